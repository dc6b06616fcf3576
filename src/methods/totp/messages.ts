import type { MethodMessages } from "../../i18n/translate.js";

/** The second-factor page's words; English is complete, the others are held to it by test. */
export const SECOND_FACTOR_MESSAGES = {
  en: {
    "mfa.title": "Confirm it is you",
    "mfa.introApp": "Enter the 6-digit code from your authenticator app.",
    "mfa.introRecovery": "Enter one of your recovery codes. Each works once.",
    "mfa.code": "Code",
    "mfa.recoveryCode": "Recovery code",
    "mfa.submit": "Continue",
    "mfa.useRecovery": "Use a recovery code instead",
    "mfa.useApp": "Use your authenticator app instead",
    "mfa.wrongCode": "That code is not right. Try the current one.",
    "error.INVALID_MFA_TOKEN": "This sign-in has expired. Sign in again.",
    "error.MFA_REQUIRED": "Confirm it is you with your second factor first.",
    "error.FACTOR_NOT_FOUND": "No such second factor.",
    "mail.mfa.added.subject": "A second factor was added to your {product} account",
    "mail.mfa.added.body":
      "An authenticator app was added to your {product} account on {when}. Signing in now asks for a code from it.",
    "mail.mfa.removed.subject": "A second factor was removed from your {product} account",
    "mail.mfa.removed.body":
      "An authenticator app was removed from your {product} account on {when}.",
    "mail.mfa.locked.subject": "Your {product} second factor is locked",
    "mail.mfa.locked.body":
      "After too many wrong codes, on {when}, codes from your authenticator app no longer work for your {product} account. Use a recovery code, or ask an administrator to reset your second factors.",
    "mail.mfa.reset.subject": "Your {product} second factors were reset",
    "mail.mfa.reset.body":
      "An administrator removed the second factors of your {product} account on {when}. You sign in with your password alone until you add one again.",
    "mail.mfa.notYou":
      "If this was not you, reset your password right away and tell your administrator.",
  },
  es: {
    "mfa.title": "Confirma que eres tú",
    "mfa.introApp": "Introduce el código de 6 dígitos de tu app de autenticación.",
    "mfa.introRecovery": "Introduce uno de tus códigos de recuperación. Cada uno sirve una vez.",
    "mfa.code": "Código",
    "mfa.recoveryCode": "Código de recuperación",
    "mfa.submit": "Continuar",
    "mfa.useRecovery": "Usar un código de recuperación",
    "mfa.useApp": "Usar la app de autenticación",
    "mfa.wrongCode": "Ese código no es correcto. Prueba con el actual.",
    "error.INVALID_MFA_TOKEN": "Este inicio de sesión ha caducado. Vuelve a iniciar sesión.",
    "error.MFA_REQUIRED": "Primero confirma que eres tú con tu segundo factor.",
    "error.FACTOR_NOT_FOUND": "No existe ese segundo factor.",
    "mail.mfa.added.subject": "Se ha añadido un segundo factor a tu cuenta de {product}",
    "mail.mfa.added.body":
      "Se añadió una app de autenticación a tu cuenta de {product} el {when}. Ahora, al iniciar sesión, se te pedirá un código de ella.",
    "mail.mfa.removed.subject": "Se ha quitado un segundo factor de tu cuenta de {product}",
    "mail.mfa.removed.body":
      "Se quitó una app de autenticación de tu cuenta de {product} el {when}.",
    "mail.mfa.locked.subject": "Tu segundo factor de {product} está bloqueado",
    "mail.mfa.locked.body":
      "Tras demasiados códigos incorrectos, el {when}, los códigos de tu app de autenticación ya no sirven para tu cuenta de {product}. Usa un código de recuperación o pide a un administrador que restablezca tus segundos factores.",
    "mail.mfa.reset.subject": "Se han restablecido tus segundos factores de {product}",
    "mail.mfa.reset.body":
      "Un administrador quitó los segundos factores de tu cuenta de {product} el {when}. Inicias sesión solo con tu contraseña hasta que añadas uno de nuevo.",
    "mail.mfa.notYou":
      "Si no has sido tú, restablece tu contraseña ahora mismo y avisa a tu administrador.",
  },
  de: {
    "mfa.title": "Bestätigen Sie, dass Sie es sind",
    "mfa.introApp": "Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.",
    "mfa.introRecovery":
      "Geben Sie einen Ihrer Wiederherstellungscodes ein. Jeder funktioniert einmal.",
    "mfa.code": "Code",
    "mfa.recoveryCode": "Wiederherstellungscode",
    "mfa.submit": "Weiter",
    "mfa.useRecovery": "Stattdessen einen Wiederherstellungscode verwenden",
    "mfa.useApp": "Stattdessen die Authenticator-App verwenden",
    "mfa.wrongCode": "Dieser Code stimmt nicht. Versuchen Sie den aktuellen.",
    "error.INVALID_MFA_TOKEN": "Diese Anmeldung ist abgelaufen. Melden Sie sich erneut an.",
    "error.MFA_REQUIRED": "Bestätigen Sie zuerst mit Ihrem zweiten Faktor, dass Sie es sind.",
    "error.FACTOR_NOT_FOUND": "Diesen zweiten Faktor gibt es nicht.",
    "mail.mfa.added.subject": "Ein zweiter Faktor wurde Ihrem {product}-Konto hinzugefügt",
    "mail.mfa.added.body":
      "Am {when} wurde Ihrem {product}-Konto eine Authenticator-App hinzugefügt. Bei der Anmeldung wird jetzt ein Code daraus verlangt.",
    "mail.mfa.removed.subject": "Ein zweiter Faktor wurde aus Ihrem {product}-Konto entfernt",
    "mail.mfa.removed.body":
      "Am {when} wurde eine Authenticator-App aus Ihrem {product}-Konto entfernt.",
    "mail.mfa.locked.subject": "Ihr zweiter Faktor bei {product} ist gesperrt",
    "mail.mfa.locked.body":
      "Nach zu vielen falschen Codes gelten seit {when} die Codes Ihrer Authenticator-App für Ihr {product}-Konto nicht mehr. Verwenden Sie einen Wiederherstellungscode oder bitten Sie einen Administrator, Ihre zweiten Faktoren zurückzusetzen.",
    "mail.mfa.reset.subject": "Ihre zweiten Faktoren bei {product} wurden zurückgesetzt",
    "mail.mfa.reset.body":
      "Ein Administrator hat am {when} die zweiten Faktoren Ihres {product}-Kontos entfernt. Bis Sie wieder einen hinzufügen, melden Sie sich nur mit Ihrem Passwort an.",
    "mail.mfa.notYou":
      "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück und informieren Sie Ihren Administrator.",
  },
} as const satisfies MethodMessages;

declare module "../../i18n/en.js" {
  interface MethodMessageKeys extends Record<keyof typeof SECOND_FACTOR_MESSAGES.en, true> {}
}
