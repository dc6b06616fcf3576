import type { Catalogue } from "./en.js";

/** Spanish: tú, as most consumer products write it. Keys and placeholders as in en.ts. */
export const es: Catalogue = {
  // Mail
  "mail.greeting.named": "Hola, {name}:",
  "mail.greeting.anonymous": "Hola:",
  "mail.linkFallback": "Si el botón no funciona, copia esta dirección en tu navegador:",
  "mail.verify.subject": "Tu código de verificación de {product}",
  "mail.verify.intro": "Usa este código para confirmar tu dirección de correo en {product}:",
  "mail.verify.validity": "El código es válido durante {ttl}.",
  "mail.verify.button": "Confirmar dirección de correo",
  "mail.verify.ignore":
    "Si no te has registrado en {product}, ignora este correo: ninguna cuenta se activa sin el código.",
  "mail.verify.again":
    "Esta dirección se ha vuelto a registrar en {product} el {when}. Este código confirma ese registro, con la contraseña elegida entonces; un código enviado antes sigue confirmando el registro anterior hasta que caduque.",
  "mail.verify.againIgnore":
    "Si no has pedido este código, ignóralo: sin él, ese registro nunca se activa.",
  "mail.resetLink.subject": "Restablece tu contraseña de {product}",
  "mail.resetLink.intro":
    "Alguien ha pedido restablecer la contraseña de tu cuenta de {product}. Elige una contraseña nueva aquí:",
  "mail.resetLink.button": "Restablecer contraseña",
  "mail.resetLink.validity": "El enlace es válido durante {ttl} y funciona una sola vez.",
  "mail.resetCode.subject": "Tu código para restablecer la contraseña de {product}",
  "mail.resetCode.intro":
    "Alguien ha pedido restablecer la contraseña de tu cuenta de {product}. Introduce este código para elegir una contraseña nueva:",
  "mail.resetCode.validity": "El código es válido durante {ttl}.",
  "mail.resetCode.button": "Elegir una contraseña nueva",
  "mail.reset.ignore": "Si no lo has pedido tú, ignora este correo: tu contraseña no cambia.",
  "mail.changed.subject": "Se ha cambiado tu contraseña de {product}",
  "mail.changed.body":
    "La contraseña de tu cuenta de {product} se cambió el {when}. Se cerraron las demás sesiones abiertas.",
  "mail.changed.ok": "Si has sido tú, no tienes que hacer nada más.",
  "mail.changed.notYou":
    "Si no has sido tú, restablece tu contraseña enseguida con «¿Has olvidado tu contraseña?» en la página de inicio de sesión de {product} y avisa a tu administrador: puede que otra persona haya tenido acceso a tu cuenta o a tu correo.",

  // Page frame and shared pieces
  "page.languages": "Idioma",
  "page.errorSummary": "Hay un problema",
  "page.errorPrefix": "Error:",
  "page.optional": "(opcional)",
  "page.showPassword": "Mostrar",
  "page.hidePassword": "Ocultar",
  "page.showPasswordLabel": "Mostrar contraseña",
  "page.hidePasswordLabel": "Ocultar contraseña",

  // Fields
  "field.email": "Correo electrónico",
  "field.password": "Contraseña",
  "field.newPassword": "Contraseña nueva",
  "field.confirmPassword": "Confirma la contraseña nueva",
  "field.currentPassword": "Contraseña actual",
  "field.name": "Nombre",
  "field.code": "Código de 6 dígitos",
  "field.passwordHint": "Al menos {min} caracteres. Una frase larga es fácil de recordar.",
  "field.codeHint": "El código está en el correo que te hemos enviado.",

  // Sign in
  "notice.verified": "Tu dirección de correo está verificada. Ya puedes iniciar sesión.",
  "notice.signedOut": "Has cerrado la sesión.",
  "notice.signInRequired": "Inicia sesión para continuar.",

  // Sign up
  "signUp.title": "Crear una cuenta",
  "signUp.submit": "Crear cuenta",
  "signUp.haveAccount": "¿Ya tienes una cuenta?",
  "signUp.signIn": "Inicia sesión",

  // Verify email
  "verify.title": "Verifica tu correo",
  "verify.introEmail": "Hemos enviado un código de 6 dígitos a {email}. Introdúcelo abajo.",
  "verify.intro": "Introduce el código de 6 dígitos del correo que te hemos enviado.",
  "verify.submit": "Verificar",
  "verify.resendTitle": "¿No tienes el código?",
  "verify.resendText": "Los códigos caducan al cabo de un tiempo. Podemos enviarte uno nuevo.",
  "verify.resendSubmit": "Enviar un código nuevo",
  "verify.resent":
    "Si esa dirección tiene una cuenta pendiente de verificar, le llegará un código nuevo.",

  // Forgot password
  "forgot.title": "¿Has olvidado tu contraseña?",
  "forgot.intro":
    "Introduce la dirección de correo de tu cuenta. Te enviaremos un enlace para elegir una contraseña nueva.",
  "forgot.submit": "Enviar enlace",
  "forgot.haveCode": "¿Tienes un código?",
  "forgot.enterCode": "Introdúcelo aquí",
  "forgot.remembered": "¿Ya la recuerdas?",
  "sent.title": "Revisa tu correo",
  "sent.text":
    "Si {email} tiene una cuenta, le hemos enviado un enlace para elegir una contraseña nueva. El enlace es válido durante {ttl}.",
  "sent.spam":
    "¿No ha llegado nada en unos minutos? Mira en la carpeta de spam o vuelve a pedirlo.",
  "sent.again": "Pedirlo de nuevo",

  // Reset password
  "reset.title": "Elige una contraseña nueva",
  "reset.intro": "Escribe tu contraseña nueva dos veces.",
  "reset.codeIntro":
    "Introduce tu dirección de correo, el código del correo y tu contraseña nueva.",
  "reset.submit": "Guardar contraseña",
  "reset.invalidTitle": "Este enlace ya no funciona",
  "reset.invalidText":
    "Los enlaces para restablecer la contraseña funcionan una vez y caducan a los {ttl}. Este ya se usó, ha caducado o lo sustituyó uno más reciente.",
  "reset.askNew": "Pedir un enlace nuevo",

  // Account
  "account.title": "Tu cuenta",
  "account.profile": "Perfil",
  "account.memberSince": "Miembro desde",
  "account.verified": "Verificado",
  "account.notVerified": "Sin verificar",
  "account.sessions": "Dónde has iniciado sesión",
  "account.thisDevice": "Este dispositivo",
  "account.device": "{browser} en {os}",
  "account.unknownDevice": "Dispositivo desconocido",
  "account.signedIn": "Sesión iniciada el {when}",
  "account.lastActive": "Última actividad: {when}",
  "account.ipAddress": "Dirección IP {ip}",
  "account.revoke": "Cerrar esta sesión",
  "account.changePassword": "Cambiar la contraseña",
  "account.changePasswordHint": "Al cambiarla se cierran tus demás sesiones.",
  "account.changeSubmit": "Cambiar contraseña",
  "account.signOut": "Cerrar sesión",
  "notice.passwordChanged": "Tu contraseña se ha cambiado. Se cerraron tus demás sesiones.",
  "notice.passwordReset": "Tu contraseña nueva está guardada y has iniciado sesión.",
  "notice.sessionEnded": "Esa sesión se ha cerrado.",

  // Message pages
  "error.title": "Algo ha salido mal",
  "error.back": "Volver a iniciar sesión",
  "error.crossSite":
    "Este formulario se envió desde otro sitio, así que se ha rechazado. Abre la página de nuevo y vuelve a intentarlo.",

  // Errors
  "error.VALIDATION_FAILED": "Revisa los campos marcados.",
  "error.INVALID_CODE": "El código no es correcto. Revisa el último correo y vuelve a intentarlo.",
  "error.CODE_EXPIRED": "El código ha caducado. Pide uno nuevo.",
  "error.INVALID_TOKEN": "El código no es correcto o ha caducado.",
  "error.PASSWORD_MISMATCH": "Las dos contraseñas no coinciden.",
  "error.UNAUTHORIZED": "Inicia sesión para continuar.",
  "error.INVALID_CREDENTIALS": "El correo o la contraseña no son correctos.",
  "error.EMAIL_NOT_VERIFIED": "Verifica tu dirección de correo antes de iniciar sesión.",
  "error.verifyNow": "Verificarla ahora",
  "error.ACCOUNT_BLOCKED": "Esta cuenta está bloqueada. Ponte en contacto con tu administrador.",
  "error.FORBIDDEN": "No tienes permiso para hacer esto.",
  "error.NOT_FOUND": "Esa sesión ya no existe.",
  "error.EMAIL_TAKEN": "Ya existe una cuenta con esta dirección de correo.",
  "error.USERNAME_TAKEN": "Este nombre de usuario ya está en uso.",
  "error.ALREADY_VERIFIED": "Esta dirección de correo ya está verificada. Puedes iniciar sesión.",
  "error.TOO_MANY_ATTEMPTS": "Demasiados intentos fallidos. Pide un código nuevo.",
  "error.RATE_LIMITED": "Demasiados intentos. Espera {minutes} y vuelve a intentarlo.",
  "error.PAYLOAD_TOO_LARGE": "Lo que has enviado es demasiado grande.",
  "error.UNSUPPORTED_MEDIA_TYPE": "Envía este formulario desde su página.",
  "error.INTERNAL": "Algo ha fallado por nuestra parte. Vuelve a intentarlo en un momento.",
  "error.UNAVAILABLE":
    "El servicio no está disponible en este momento. Vuelve a intentarlo en un momento.",
  "error.currentPassword.wrong": "La contraseña actual no es correcta.",
  "error.email.required": "Introduce tu dirección de correo.",
  "error.email.invalid": "Introduce una dirección de correo como nombre@ejemplo.com.",
  "error.password.tooShort": "Usa al menos {min} caracteres.",
  "error.password.tooLong": "Usa como máximo 256 caracteres.",
  "error.password.common":
    "Esta contraseña es demasiado común. Elige una que sea más difícil de adivinar.",
  "error.password.breached":
    "Esta contraseña aparece en filtraciones de datos conocidas. Elige otra.",
  "error.password.context": "La contraseña no puede contener tu {what}.",
  "error.password.contextEmail": "nombre de correo (la parte de tu dirección antes de la @)",
  "error.password.contextName": "nombre",
  "error.password.contextUsername": "nombre de usuario",
  "error.name.invalid": "Usa como máximo 100 caracteres, sin caracteres de control.",
  "error.code.format": "Introduce los 6 dígitos del código.",
  "error.locale.unsupported": "Este idioma no está disponible.",
};
