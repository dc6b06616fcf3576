import type { MethodMessages } from "../../i18n/translate.js";

/** The passkeys' page, mail and error words; English is complete, the others are held to it by test. */
export const PASSKEY_MESSAGES = {
  en: {
    "passkey.notFound": "That passkey no longer exists.",
    "passkey.nameTooLong": "A passkey’s name can be at most 100 characters.",
    "passkey.section.title": "Passkeys",
    "passkey.section.none":
      "A passkey signs you in with your fingerprint, face or screen lock instead of a password.",
    "passkey.section.some": "These passkeys can sign you in without a password.",
    "passkey.defaultName": "Passkey",
    "passkey.added": "Added {when}",
    "passkey.lastUsed": "Last used {when}",
    "passkey.neverUsed": "Not used yet",
    "passkey.synced": "Synced",
    "passkey.oneDevice": "On one device",
    "passkey.newName": "Name",
    "passkey.addName": "Name for the new passkey (optional)",
    "passkey.add": "Add a passkey",
    "passkey.rename": "Rename",
    "passkey.remove": "Remove",
    "passkey.waiting": "Follow your browser’s prompt to use your passkey…",
    "passkey.cancelled": "No passkey was used. Nothing has changed.",
    "passkey.failed": "That did not work. Try again.",
    "passkey.stepUp":
      "To change your passkeys, sign out and sign in again with a passkey or your authenticator app.",
    "passkey.signIn": "Sign in with a passkey",
    "passkey.oneFactor":
      "This passkey did not check that it is you (no PIN or fingerprint), and your account needs two steps: sign in with your password, then use the passkey.",
    "passkey.or": "or",
    "notice.passkeyAdded": "Passkey added.",
    "notice.passkeyRenamed": "Passkey renamed.",
    "notice.passkeyRemoved": "Passkey removed.",
    "error.INVALID_PASSKEY": "That passkey could not be verified. Try again.",
    "mail.passkey.added.subject": "A passkey was added to your {product} account",
    "mail.passkey.added.body":
      "A passkey named “{name}” was added to your {product} account on {when}. It can now sign you in.",
    "mail.passkey.removed.subject": "A passkey was removed from your {product} account",
    "mail.passkey.removed.body":
      "The passkey named “{name}” was removed from your {product} account on {when}. It no longer signs you in.",
    "mail.passkey.unnamed": "without a name",
    "mail.passkey.notYou":
      "If this was not you, reset your password right away and tell your administrator.",
  },
  es: {
    "passkey.notFound": "Esa llave de acceso ya no existe.",
    "passkey.nameTooLong":
      "El nombre de una llave de acceso puede tener como máximo 100 caracteres.",
    "passkey.section.title": "Llaves de acceso",
    "passkey.section.none":
      "Una llave de acceso inicia tu sesión con tu huella, tu cara o el bloqueo de pantalla en lugar de una contraseña.",
    "passkey.section.some": "Estas llaves de acceso pueden iniciar tu sesión sin contraseña.",
    "passkey.defaultName": "Llave de acceso",
    "passkey.added": "Añadida el {when}",
    "passkey.lastUsed": "Último uso el {when}",
    "passkey.neverUsed": "Aún sin usar",
    "passkey.synced": "Sincronizada",
    "passkey.oneDevice": "En un solo dispositivo",
    "passkey.newName": "Nombre",
    "passkey.addName": "Nombre de la nueva llave de acceso (opcional)",
    "passkey.add": "Añadir una llave de acceso",
    "passkey.rename": "Cambiar nombre",
    "passkey.remove": "Quitar",
    "passkey.waiting": "Sigue las indicaciones del navegador para usar tu llave de acceso…",
    "passkey.cancelled": "No se usó ninguna llave de acceso. No ha cambiado nada.",
    "passkey.failed": "No ha funcionado. Inténtalo de nuevo.",
    "passkey.stepUp":
      "Para cambiar tus llaves de acceso, cierra la sesión y vuelve a iniciarla con una llave de acceso o con tu app de autenticación.",
    "passkey.signIn": "Iniciar sesión con una llave de acceso",
    "passkey.oneFactor":
      "Esta llave de acceso no comprobó que eres tú (sin PIN ni huella), y tu cuenta necesita dos pasos: inicia sesión con tu contraseña y luego usa la llave de acceso.",
    "passkey.or": "o",
    "notice.passkeyAdded": "Llave de acceso añadida.",
    "notice.passkeyRenamed": "Nombre de la llave de acceso cambiado.",
    "notice.passkeyRemoved": "Llave de acceso quitada.",
    "error.INVALID_PASSKEY": "No se pudo verificar esa llave de acceso. Inténtalo de nuevo.",
    "mail.passkey.added.subject": "Se ha añadido una llave de acceso a tu cuenta de {product}",
    "mail.passkey.added.body":
      "Se añadió una llave de acceso llamada «{name}» a tu cuenta de {product} el {when}. Ahora puede iniciar tu sesión.",
    "mail.passkey.removed.subject": "Se ha quitado una llave de acceso de tu cuenta de {product}",
    "mail.passkey.removed.body":
      "Se quitó la llave de acceso llamada «{name}» de tu cuenta de {product} el {when}. Ya no inicia tu sesión.",
    "mail.passkey.unnamed": "sin nombre",
    "mail.passkey.notYou":
      "Si no has sido tú, restablece tu contraseña ahora mismo y avisa a tu administrador.",
  },
  de: {
    "passkey.notFound": "Diesen Passkey gibt es nicht mehr.",
    "passkey.nameTooLong": "Der Name eines Passkeys darf höchstens 100 Zeichen lang sein.",
    "passkey.section.title": "Passkeys",
    "passkey.section.none":
      "Ein Passkey meldet Sie mit Fingerabdruck, Gesicht oder Bildschirmsperre statt mit einem Passwort an.",
    "passkey.section.some": "Diese Passkeys können Sie ohne Passwort anmelden.",
    "passkey.defaultName": "Passkey",
    "passkey.added": "Hinzugefügt am {when}",
    "passkey.lastUsed": "Zuletzt verwendet am {when}",
    "passkey.neverUsed": "Noch nicht verwendet",
    "passkey.synced": "Synchronisiert",
    "passkey.oneDevice": "Auf einem Gerät",
    "passkey.newName": "Name",
    "passkey.addName": "Name für den neuen Passkey (optional)",
    "passkey.add": "Passkey hinzufügen",
    "passkey.rename": "Umbenennen",
    "passkey.remove": "Entfernen",
    "passkey.waiting":
      "Folgen Sie der Aufforderung Ihres Browsers, um Ihren Passkey zu verwenden …",
    "passkey.cancelled": "Es wurde kein Passkey verwendet. Nichts wurde geändert.",
    "passkey.failed": "Das hat nicht geklappt. Versuchen Sie es noch einmal.",
    "passkey.stepUp":
      "Um Ihre Passkeys zu ändern, melden Sie sich ab und wieder an, mit einem Passkey oder Ihrer Authenticator-App.",
    "passkey.signIn": "Mit einem Passkey anmelden",
    "passkey.oneFactor":
      "Dieser Passkey hat nicht geprüft, dass Sie es sind (keine PIN, kein Fingerabdruck), und Ihr Konto braucht zwei Schritte: Melden Sie sich mit Ihrem Passwort an und verwenden Sie dann den Passkey.",
    "passkey.or": "oder",
    "notice.passkeyAdded": "Passkey hinzugefügt.",
    "notice.passkeyRenamed": "Passkey umbenannt.",
    "notice.passkeyRemoved": "Passkey entfernt.",
    "error.INVALID_PASSKEY":
      "Dieser Passkey konnte nicht überprüft werden. Versuchen Sie es noch einmal.",
    "mail.passkey.added.subject": "Ihrem {product}-Konto wurde ein Passkey hinzugefügt",
    "mail.passkey.added.body":
      "Am {when} wurde Ihrem {product}-Konto ein Passkey namens „{name}“ hinzugefügt. Er kann Sie jetzt anmelden.",
    "mail.passkey.removed.subject": "Ein Passkey wurde aus Ihrem {product}-Konto entfernt",
    "mail.passkey.removed.body":
      "Am {when} wurde der Passkey namens „{name}“ aus Ihrem {product}-Konto entfernt. Er meldet Sie nicht mehr an.",
    "mail.passkey.unnamed": "ohne Namen",
    "mail.passkey.notYou":
      "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück und informieren Sie Ihren Administrator.",
  },
} as const satisfies MethodMessages;

declare module "../../i18n/en.js" {
  interface MethodMessageKeys extends Record<keyof typeof PASSKEY_MESSAGES.en, true> {}
}
