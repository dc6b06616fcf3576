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
  },
} as const satisfies MethodMessages;

declare module "../../i18n/en.js" {
  interface MethodMessageKeys extends Record<keyof typeof SECOND_FACTOR_MESSAGES.en, true> {}
}
