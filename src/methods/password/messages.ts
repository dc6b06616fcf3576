import type { MethodMessages } from "../../i18n/translate.js";

/** The sign-in page's words; English is complete, the others are held to it by test. */
export const PASSWORD_MESSAGES = {
  en: {
    "signIn.title": "Sign in",
    "signIn.submit": "Sign in",
    "signIn.forgot": "Forgot your password?",
    "signIn.noAccount": "No account yet?",
    "signIn.createAccount": "Create one",
  },
  es: {
    "signIn.title": "Iniciar sesión",
    "signIn.submit": "Iniciar sesión",
    "signIn.forgot": "¿Has olvidado tu contraseña?",
    "signIn.noAccount": "¿Aún no tienes cuenta?",
    "signIn.createAccount": "Crea una",
  },
  de: {
    "signIn.title": "Anmelden",
    "signIn.submit": "Anmelden",
    "signIn.forgot": "Passwort vergessen?",
    "signIn.noAccount": "Noch kein Konto?",
    "signIn.createAccount": "Jetzt erstellen",
  },
} as const satisfies MethodMessages;

declare module "../../i18n/en.js" {
  interface MethodMessageKeys extends Record<keyof typeof PASSWORD_MESSAGES.en, true> {}
}
