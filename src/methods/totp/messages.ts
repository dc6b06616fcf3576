import type { MethodMessages } from "../../i18n/translate.js";

/** The second-factor pages' words (sign-in step, /account section); English is complete, the others are held to it by test. */
export const SECOND_FACTOR_MESSAGES = {
  en: {
    "mfa.title": "Confirm it is you",
    "mfa.introApp": "Enter the 6-digit code from your authenticator app.",
    "mfa.introRecovery": "Enter one of your recovery codes. Each works once.",
    "mfa.code": "Code",
    "mfa.recoveryCode": "Recovery code",
    "mfa.submit": "Continue",
    "mfa.useRecovery": "Use a recovery code instead",
    "mfa.introPasskey": "Use your passkey to confirm it is you.",
    "mfa.usePasskey": "Use a passkey instead",
    "mfa.passkeyButton": "Use my passkey",
    "mfa.passkeyNeedsScript":
      "A passkey needs JavaScript in this browser. Use another way below, or turn JavaScript on.",
    "mfa.passkeyFailed": "The passkey did not answer. Try again, or use another way.",
    "mfa.wrongPasskey": "That passkey is not one of this account's. Try another.",
    "mfa.useApp": "Use your authenticator app instead",
    "mfa.wrongCode": "That code is not right. Try the current one.",
    "mfa.section.title": "Two-step verification",
    "mfa.section.off":
      "Add an authenticator app: signing in then asks for a code from it as well as your password.",
    "mfa.section.on": "Signing in asks for a code from your authenticator app.",
    "mfa.setUp": "Set up an authenticator app",
    "mfa.addAnother": "Add another authenticator app",
    "mfa.defaultName": "Authenticator app",
    "mfa.added": "Added {when}",
    "mfa.lastUsed": "Last used {when}",
    "mfa.neverUsed": "Not used yet",
    "mfa.remove": "Remove",
    "mfa.codesLeft": "Recovery codes left: {count}",
    "mfa.regenerate": "Get new recovery codes",
    "mfa.regenerateHint": "New recovery codes replace the ones you have now: those stop working.",
    "mfa.stepUp":
      "To change your two-step verification, sign out and sign in again with your authenticator app.",
    "mfa.setup.scan": "Scan this QR code with your authenticator app.",
    "mfa.setup.qr": "QR code for your authenticator app",
    "mfa.setup.type": "Cannot scan it? Enter this key in the app instead:",
    "mfa.setup.confirm": "Then enter the 6-digit code the app shows.",
    "mfa.setup.submit": "Confirm",
    "mfa.setup.cancel": "Cancel",
    "mfa.setup.expired": "This set-up has expired. Start again.",
    "mfa.codes.title": "Save your recovery codes",
    "mfa.codes.newTitle": "Your new recovery codes",
    "mfa.codes.added": "Your authenticator app is set up. Your other sessions were signed out.",
    "mfa.codes.intro":
      "If you lose your phone, each of these codes signs you in once. Keep them somewhere safe: they are shown only now.",
    "mfa.codes.replaced": "The earlier recovery codes no longer work.",
    "mfa.codes.copy": "Copy codes",
    "mfa.codes.copied": "Codes copied.",
    "mfa.codes.download": "Download codes",
    "mfa.codes.done": "I have saved them",
    "notice.mfaAdded": "Your authenticator app is set up.",
    "notice.mfaRemoved": "The authenticator app was removed.",
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
    "mfa.introPasskey": "Usa tu llave de acceso para confirmar que eres tú.",
    "mfa.usePasskey": "Usar una llave de acceso",
    "mfa.passkeyButton": "Usar mi llave de acceso",
    "mfa.passkeyNeedsScript":
      "Una llave de acceso necesita JavaScript en este navegador. Usa otra forma de las de abajo o activa JavaScript.",
    "mfa.passkeyFailed": "La llave de acceso no respondió. Inténtalo de nuevo o usa otra forma.",
    "mfa.wrongPasskey": "Esa llave de acceso no es de esta cuenta. Prueba con otra.",
    "mfa.useApp": "Usar la app de autenticación",
    "mfa.wrongCode": "Ese código no es correcto. Prueba con el actual.",
    "mfa.section.title": "Verificación en dos pasos",
    "mfa.section.off":
      "Añade una app de autenticación: al iniciar sesión se te pedirá un código de ella además de tu contraseña.",
    "mfa.section.on": "Al iniciar sesión se te pide un código de tu app de autenticación.",
    "mfa.setUp": "Configurar una app de autenticación",
    "mfa.addAnother": "Añadir otra app de autenticación",
    "mfa.defaultName": "App de autenticación",
    "mfa.added": "Añadida el {when}",
    "mfa.lastUsed": "Último uso el {when}",
    "mfa.neverUsed": "Aún sin usar",
    "mfa.remove": "Quitar",
    "mfa.codesLeft": "Códigos de recuperación restantes: {count}",
    "mfa.regenerate": "Obtener nuevos códigos de recuperación",
    "mfa.regenerateHint":
      "Los nuevos códigos de recuperación sustituyen a los que tienes ahora: esos dejan de funcionar.",
    "mfa.stepUp":
      "Para cambiar tu verificación en dos pasos, cierra sesión y vuelve a iniciarla con tu app de autenticación.",
    "mfa.setup.scan": "Escanea este código QR con tu app de autenticación.",
    "mfa.setup.qr": "Código QR para tu app de autenticación",
    "mfa.setup.type": "¿No puedes escanearlo? Introduce esta clave en la app:",
    "mfa.setup.confirm": "Después introduce el código de 6 dígitos que muestra la app.",
    "mfa.setup.submit": "Confirmar",
    "mfa.setup.cancel": "Cancelar",
    "mfa.setup.expired": "Esta configuración ha caducado. Empieza de nuevo.",
    "mfa.codes.title": "Guarda tus códigos de recuperación",
    "mfa.codes.newTitle": "Tus nuevos códigos de recuperación",
    "mfa.codes.added": "Tu app de autenticación está configurada. Se cerraron tus otras sesiones.",
    "mfa.codes.intro":
      "Si pierdes el teléfono, cada uno de estos códigos te permite iniciar sesión una vez. Guárdalos en un lugar seguro: solo se muestran ahora.",
    "mfa.codes.replaced": "Los códigos de recuperación anteriores ya no funcionan.",
    "mfa.codes.copy": "Copiar códigos",
    "mfa.codes.copied": "Códigos copiados.",
    "mfa.codes.download": "Descargar códigos",
    "mfa.codes.done": "Ya los he guardado",
    "notice.mfaAdded": "Tu app de autenticación está configurada.",
    "notice.mfaRemoved": "Se quitó la app de autenticación.",
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
    "mfa.introPasskey": "Bestätigen Sie mit Ihrem Passkey, dass Sie es sind.",
    "mfa.usePasskey": "Stattdessen einen Passkey verwenden",
    "mfa.passkeyButton": "Meinen Passkey verwenden",
    "mfa.passkeyNeedsScript":
      "Ein Passkey braucht JavaScript in diesem Browser. Wählen Sie unten einen anderen Weg oder schalten Sie JavaScript ein.",
    "mfa.passkeyFailed":
      "Der Passkey hat nicht geantwortet. Versuchen Sie es erneut oder wählen Sie einen anderen Weg.",
    "mfa.wrongPasskey": "Dieser Passkey gehört nicht zu diesem Konto. Versuchen Sie einen anderen.",
    "mfa.useApp": "Stattdessen die Authenticator-App verwenden",
    "mfa.wrongCode": "Dieser Code stimmt nicht. Versuchen Sie den aktuellen.",
    "mfa.section.title": "Bestätigung in zwei Schritten",
    "mfa.section.off":
      "Fügen Sie eine Authenticator-App hinzu: Bei der Anmeldung wird dann zusätzlich zum Passwort ein Code daraus verlangt.",
    "mfa.section.on": "Bei der Anmeldung wird ein Code aus Ihrer Authenticator-App verlangt.",
    "mfa.setUp": "Authenticator-App einrichten",
    "mfa.addAnother": "Weitere Authenticator-App hinzufügen",
    "mfa.defaultName": "Authenticator-App",
    "mfa.added": "Hinzugefügt am {when}",
    "mfa.lastUsed": "Zuletzt verwendet am {when}",
    "mfa.neverUsed": "Noch nicht verwendet",
    "mfa.remove": "Entfernen",
    "mfa.codesLeft": "Verbleibende Wiederherstellungscodes: {count}",
    "mfa.regenerate": "Neue Wiederherstellungscodes erzeugen",
    "mfa.regenerateHint":
      "Neue Wiederherstellungscodes ersetzen Ihre bisherigen: Diese funktionieren dann nicht mehr.",
    "mfa.stepUp":
      "Um Ihre Bestätigung in zwei Schritten zu ändern, melden Sie sich ab und mit Ihrer Authenticator-App erneut an.",
    "mfa.setup.scan": "Scannen Sie diesen QR-Code mit Ihrer Authenticator-App.",
    "mfa.setup.qr": "QR-Code für Ihre Authenticator-App",
    "mfa.setup.type":
      "Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in der App ein:",
    "mfa.setup.confirm": "Geben Sie dann den 6-stelligen Code ein, den die App anzeigt.",
    "mfa.setup.submit": "Bestätigen",
    "mfa.setup.cancel": "Abbrechen",
    "mfa.setup.expired": "Diese Einrichtung ist abgelaufen. Beginnen Sie erneut.",
    "mfa.codes.title": "Speichern Sie Ihre Wiederherstellungscodes",
    "mfa.codes.newTitle": "Ihre neuen Wiederherstellungscodes",
    "mfa.codes.added":
      "Ihre Authenticator-App ist eingerichtet. Ihre anderen Sitzungen wurden abgemeldet.",
    "mfa.codes.intro":
      "Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal an. Bewahren Sie sie sicher auf: Sie werden nur jetzt angezeigt.",
    "mfa.codes.replaced": "Die bisherigen Wiederherstellungscodes funktionieren nicht mehr.",
    "mfa.codes.copy": "Codes kopieren",
    "mfa.codes.copied": "Codes kopiert.",
    "mfa.codes.download": "Codes herunterladen",
    "mfa.codes.done": "Ich habe sie gespeichert",
    "notice.mfaAdded": "Ihre Authenticator-App ist eingerichtet.",
    "notice.mfaRemoved": "Die Authenticator-App wurde entfernt.",
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
