import type { MethodMessages } from "../../i18n/translate.js";

/** The passkeys' mail and error words; English is complete, the others are held to it by test. */
export const PASSKEY_MESSAGES = {
  en: {
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
