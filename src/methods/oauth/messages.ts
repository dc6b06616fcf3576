import type { MethodMessages } from "../../i18n/translate.js";

/**
 * The words of the providers' buttons, the connected accounts on /account and the codes a
 * provider's sign-in can land with; English is complete, the others are held to it by test.
 */
export const OAUTH_MESSAGES = {
  en: {
    "oauth.or": "or",
    "oauth.continue": "Continue with {name}",
    "oauth.section.title": "Connected accounts",
    "oauth.section.some": "You can sign in with these accounts at other providers.",
    "oauth.section.none": "No account at another provider is connected.",
    "oauth.connected": "Connected {when}",
    "oauth.connect": "Connect {name}",
    "oauth.remove": "Remove",
    "oauth.linked": "{name} is connected to your account.",
    "oauth.stepUp":
      "Confirm it is you with your second factor first: sign out, then sign in again with it.",
    "oauth.notFound": "That connected account no longer exists.",
    "notice.identityRemoved": "The connected account was removed.",
    "error.INVALID_REDIRECT": "This return address is not allowed.",
    "error.PROVIDER_NOT_FOUND": "That provider is not available.",
    "error.INVALID_GRANT": "That sign-in expired or was already used. Start again.",
    "error.INVALID_STATE":
      "The sign-in did not start in this browser, or took too long. Start again.",
    "error.IDENTITY_TAKEN": "That account at the provider is connected to another user.",
    "error.ACCOUNT_EXISTS":
      "An account with this email exists. Sign in with it, then connect the provider from your account page.",
    "error.LAST_SIGN_IN_METHOD":
      "This is your last way to sign in. Set a password or add a passkey first.",
    "error.PROVIDER_ERROR": "The provider could not sign you in. Try again.",
  },
  es: {
    "oauth.or": "o",
    "oauth.continue": "Continuar con {name}",
    "oauth.section.title": "Cuentas conectadas",
    "oauth.section.some": "Puedes iniciar sesión con estas cuentas de otros proveedores.",
    "oauth.section.none": "No hay ninguna cuenta de otro proveedor conectada.",
    "oauth.connected": "Conectada {when}",
    "oauth.connect": "Conectar {name}",
    "oauth.remove": "Quitar",
    "oauth.linked": "{name} está conectado a tu cuenta.",
    "oauth.stepUp":
      "Primero confirma que eres tú con tu segundo factor: cierra la sesión y vuelve a iniciarla con él.",
    "oauth.notFound": "Esa cuenta conectada ya no existe.",
    "notice.identityRemoved": "Se ha quitado la cuenta conectada.",
    "error.INVALID_REDIRECT": "Esta dirección de vuelta no está permitida.",
    "error.PROVIDER_NOT_FOUND": "Ese proveedor no está disponible.",
    "error.INVALID_GRANT": "Ese inicio de sesión caducó o ya se usó. Empieza de nuevo.",
    "error.INVALID_STATE":
      "El inicio de sesión no empezó en este navegador o tardó demasiado. Empieza de nuevo.",
    "error.IDENTITY_TAKEN": "Esa cuenta del proveedor está conectada a otro usuario.",
    "error.ACCOUNT_EXISTS":
      "Ya existe una cuenta con este correo. Inicia sesión con ella y conecta el proveedor desde la página de tu cuenta.",
    "error.LAST_SIGN_IN_METHOD":
      "Es tu última forma de iniciar sesión. Primero define una contraseña o añade una llave de acceso.",
    "error.PROVIDER_ERROR": "El proveedor no pudo iniciar tu sesión. Inténtalo de nuevo.",
  },
  de: {
    "oauth.or": "oder",
    "oauth.continue": "Weiter mit {name}",
    "oauth.section.title": "Verbundene Konten",
    "oauth.section.some": "Mit diesen Konten anderer Anbieter können Sie sich anmelden.",
    "oauth.section.none": "Kein Konto eines anderen Anbieters ist verbunden.",
    "oauth.connected": "Verbunden {when}",
    "oauth.connect": "{name} verbinden",
    "oauth.remove": "Entfernen",
    "oauth.linked": "{name} ist mit Ihrem Konto verbunden.",
    "oauth.stepUp":
      "Bestätigen Sie zuerst mit Ihrem zweiten Faktor, dass Sie es sind: Melden Sie sich ab und mit ihm wieder an.",
    "oauth.notFound": "Dieses verbundene Konto gibt es nicht mehr.",
    "notice.identityRemoved": "Das verbundene Konto wurde entfernt.",
    "error.INVALID_REDIRECT": "Diese Rücksprungadresse ist nicht erlaubt.",
    "error.PROVIDER_NOT_FOUND": "Diesen Anbieter gibt es hier nicht.",
    "error.INVALID_GRANT":
      "Diese Anmeldung ist abgelaufen oder wurde schon verwendet. Beginnen Sie neu.",
    "error.INVALID_STATE":
      "Die Anmeldung begann nicht in diesem Browser oder dauerte zu lange. Beginnen Sie neu.",
    "error.IDENTITY_TAKEN": "Dieses Konto beim Anbieter ist mit einem anderen Benutzer verbunden.",
    "error.ACCOUNT_EXISTS":
      "Es gibt schon ein Konto mit dieser E-Mail-Adresse. Melden Sie sich damit an und verbinden Sie den Anbieter auf Ihrer Kontoseite.",
    "error.LAST_SIGN_IN_METHOD":
      "Das ist Ihre letzte Möglichkeit, sich anzumelden. Legen Sie zuerst ein Passwort fest oder fügen Sie einen Passkey hinzu.",
    "error.PROVIDER_ERROR": "Der Anbieter konnte Sie nicht anmelden. Versuchen Sie es erneut.",
  },
} as const satisfies MethodMessages;

declare module "../../i18n/en.js" {
  interface MethodMessageKeys extends Record<keyof typeof OAUTH_MESSAGES.en, true> {}
}
