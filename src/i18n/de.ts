import type { Catalogue } from "./en.js";

/** German: Sie, as account and security mail is usually written. Keys as in en.ts. */
export const de: Catalogue = {
  // Mail
  "mail.greeting.named": "Hallo {name},",
  "mail.greeting.anonymous": "Hallo,",
  "mail.linkFallback":
    "Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:",
  "mail.verify.subject": "Ihr Bestätigungscode für {product}",
  "mail.verify.intro": "Mit diesem Code bestätigen Sie Ihre E-Mail-Adresse für {product}:",
  "mail.verify.validity": "Der Code ist {ttl} lang gültig.",
  "mail.verify.button": "E-Mail-Adresse bestätigen",
  "mail.verify.ignore":
    "Wenn Sie sich nicht bei {product} registriert haben, ignorieren Sie diese E-Mail: Ohne den Code wird kein Konto aktiviert.",
  "mail.verify.again":
    "Diese Adresse wurde am {when} erneut bei {product} registriert. Dieser Code bestätigt diese Registrierung mit dem damals gewählten Passwort; ein früher gesendeter Code bestätigt die frühere Registrierung, bis er abläuft.",
  "mail.verify.againIgnore":
    "Wenn Sie diesen Code nicht angefordert haben, ignorieren Sie ihn: Ohne ihn wird diese Registrierung nie aktiv.",
  "mail.resetLink.subject": "Setzen Sie Ihr Passwort für {product} zurück",
  "mail.resetLink.intro":
    "Jemand hat angefordert, das Passwort Ihres {product}-Kontos zurückzusetzen. Hier wählen Sie ein neues Passwort:",
  "mail.resetLink.button": "Passwort zurücksetzen",
  "mail.resetLink.validity": "Der Link ist {ttl} lang gültig und funktioniert einmal.",
  "mail.resetCode.subject": "Ihr Code zum Zurücksetzen des Passworts für {product}",
  "mail.resetCode.intro":
    "Jemand hat angefordert, das Passwort Ihres {product}-Kontos zurückzusetzen. Geben Sie diesen Code ein, um ein neues Passwort zu wählen:",
  "mail.resetCode.validity": "Der Code ist {ttl} lang gültig.",
  "mail.resetCode.button": "Neues Passwort wählen",
  "mail.reset.ignore":
    "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.",
  "mail.changed.subject": "Ihr Passwort für {product} wurde geändert",
  "mail.changed.body":
    "Das Passwort Ihres {product}-Kontos wurde am {when} geändert. Andere angemeldete Sitzungen wurden abgemeldet.",
  "mail.changed.ok": "Wenn Sie das waren, müssen Sie nichts weiter tun.",
  "mail.changed.notYou":
    "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort über „Passwort vergessen“ auf der Anmeldeseite von {product} zurück und informieren Sie Ihre Administration: Möglicherweise hatte jemand anderes Zugriff auf Ihr Konto oder Ihre E-Mail.",

  // Page frame and shared pieces
  "page.languages": "Sprache",
  "page.errorSummary": "Es gibt ein Problem",
  "page.errorPrefix": "Fehler:",
  "page.optional": "(optional)",
  "page.showPassword": "Zeigen",
  "page.hidePassword": "Verbergen",
  "page.showPasswordLabel": "Passwort zeigen",
  "page.hidePasswordLabel": "Passwort verbergen",

  // Fields
  "field.email": "E-Mail-Adresse",
  "field.password": "Passwort",
  "field.newPassword": "Neues Passwort",
  "field.confirmPassword": "Neues Passwort bestätigen",
  "field.currentPassword": "Aktuelles Passwort",
  "field.name": "Name",
  "field.code": "6-stelliger Code",
  "field.passwordHint": "Mindestens {min} Zeichen. Ein langer Satz ist leicht zu merken.",
  "field.codeHint": "Den Code finden Sie in der E-Mail, die wir Ihnen geschickt haben.",

  // Sign in
  "notice.verified": "Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.",
  "notice.signedOut": "Sie sind abgemeldet.",
  "notice.signInRequired": "Melden Sie sich an, um fortzufahren.",

  // Sign up
  "signUp.title": "Konto erstellen",
  "signUp.submit": "Konto erstellen",
  "signUp.haveAccount": "Sie haben schon ein Konto?",
  "signUp.signIn": "Anmelden",

  // Verify email
  "verify.title": "E-Mail-Adresse bestätigen",
  "verify.introEmail":
    "Wir haben einen 6-stelligen Code an {email} geschickt. Geben Sie ihn unten ein.",
  "verify.intro":
    "Geben Sie den 6-stelligen Code aus der E-Mail ein, die wir Ihnen geschickt haben.",
  "verify.submit": "Bestätigen",
  "verify.resendTitle": "Kein Code?",
  "verify.resendText": "Codes laufen nach einer Weile ab. Wir können Ihnen einen neuen schicken.",
  "verify.resendSubmit": "Neuen Code senden",
  "verify.resent":
    "Wenn zu dieser Adresse ein Konto auf die Bestätigung wartet, ist ein neuer Code unterwegs.",

  // Forgot password
  "forgot.title": "Passwort vergessen?",
  "forgot.intro":
    "Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort wählen.",
  "forgot.submit": "Link senden",
  "forgot.haveCode": "Sie haben einen Code?",
  "forgot.enterCode": "Hier eingeben",
  "forgot.remembered": "Doch wieder eingefallen?",
  "sent.title": "Sehen Sie in Ihr Postfach",
  "sent.text":
    "Wenn zu {email} ein Konto gehört, haben wir einen Link geschickt, mit dem Sie ein neues Passwort wählen. Der Link ist {ttl} lang gültig.",
  "sent.spam":
    "Nach ein paar Minuten noch nichts da? Sehen Sie im Spam-Ordner nach oder fordern Sie den Link erneut an.",
  "sent.again": "Erneut anfordern",

  // Reset password
  "reset.title": "Neues Passwort wählen",
  "reset.intro": "Geben Sie Ihr neues Passwort zweimal ein.",
  "reset.codeIntro":
    "Geben Sie Ihre E-Mail-Adresse, den Code aus der E-Mail und Ihr neues Passwort ein.",
  "reset.submit": "Passwort speichern",
  "reset.invalidTitle": "Dieser Link funktioniert nicht mehr",
  "reset.invalidText":
    "Links zum Zurücksetzen funktionieren einmal und laufen nach {ttl} ab. Dieser wurde schon benutzt, ist abgelaufen oder wurde durch einen neueren ersetzt.",
  "reset.askNew": "Neuen Link anfordern",

  // Account
  "account.title": "Ihr Konto",
  "account.profile": "Profil",
  "account.memberSince": "Mitglied seit",
  "account.verified": "Bestätigt",
  "account.notVerified": "Nicht bestätigt",
  "account.sessions": "Wo Sie angemeldet sind",
  "account.thisDevice": "Dieses Gerät",
  "account.device": "{browser} unter {os}",
  "account.unknownDevice": "Unbekanntes Gerät",
  "account.signedIn": "Angemeldet am {when}",
  "account.lastActive": "Zuletzt aktiv: {when}",
  "account.ipAddress": "IP-Adresse {ip}",
  "account.revoke": "Diese Sitzung abmelden",
  "account.changePassword": "Passwort ändern",
  "account.changePasswordHint": "Wenn Sie es ändern, werden Ihre anderen Sitzungen abgemeldet.",
  "account.changeSubmit": "Passwort ändern",
  "account.signOut": "Abmelden",
  "notice.passwordChanged":
    "Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden abgemeldet.",
  "notice.passwordReset": "Ihr neues Passwort ist gespeichert und Sie sind angemeldet.",
  "notice.sessionEnded": "Diese Sitzung ist abgemeldet.",

  // Message pages
  "error.title": "Etwas ist schiefgelaufen",
  "error.back": "Zurück zur Anmeldung",
  "error.crossSite":
    "Dieses Formular wurde von einer anderen Website gesendet und deshalb abgelehnt. Öffnen Sie die Seite neu und versuchen Sie es noch einmal.",

  // Errors
  "error.VALIDATION_FAILED": "Prüfen Sie die markierten Felder.",
  "error.INVALID_CODE":
    "Der Code stimmt nicht. Prüfen Sie die neueste E-Mail und versuchen Sie es noch einmal.",
  "error.CODE_EXPIRED": "Der Code ist abgelaufen. Fordern Sie einen neuen an.",
  "error.INVALID_TOKEN": "Der Code stimmt nicht oder ist abgelaufen.",
  "error.PASSWORD_MISMATCH": "Die beiden Passwörter stimmen nicht überein.",
  "error.UNAUTHORIZED": "Melden Sie sich an, um fortzufahren.",
  "error.INVALID_CREDENTIALS": "E-Mail-Adresse oder Passwort stimmen nicht.",
  "error.EMAIL_NOT_VERIFIED": "Bestätigen Sie Ihre E-Mail-Adresse, bevor Sie sich anmelden.",
  "error.verifyNow": "Jetzt bestätigen",
  "error.ACCOUNT_BLOCKED": "Dieses Konto ist gesperrt. Wenden Sie sich an Ihre Administration.",
  "error.FORBIDDEN": "Das dürfen Sie nicht.",
  "error.NOT_FOUND": "Diese Sitzung gibt es nicht mehr.",
  "error.EMAIL_TAKEN": "Zu dieser E-Mail-Adresse gibt es bereits ein Konto.",
  "error.USERNAME_TAKEN": "Dieser Benutzername ist vergeben.",
  "error.ALREADY_VERIFIED": "Diese E-Mail-Adresse ist bereits bestätigt. Sie können sich anmelden.",
  "error.TOO_MANY_ATTEMPTS": "Zu viele falsche Versuche. Fordern Sie einen neuen Code an.",
  "error.RATE_LIMITED": "Zu viele Versuche. Warten Sie {minutes} und versuchen Sie es dann erneut.",
  "error.PAYLOAD_TOO_LARGE": "Die gesendeten Daten sind zu groß.",
  "error.UNSUPPORTED_MEDIA_TYPE": "Senden Sie dieses Formular von seiner Seite aus.",
  "error.INTERNAL":
    "Bei uns ist etwas schiefgelaufen. Versuchen Sie es in einem Moment noch einmal.",
  "error.UNAVAILABLE":
    "Der Dienst ist vorübergehend nicht erreichbar. Versuchen Sie es in einem Moment noch einmal.",
  "error.currentPassword.wrong": "Das aktuelle Passwort stimmt nicht.",
  "error.email.required": "Geben Sie Ihre E-Mail-Adresse ein.",
  "error.email.invalid": "Geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.",
  "error.password.tooShort": "Verwenden Sie mindestens {min} Zeichen.",
  "error.password.tooLong": "Verwenden Sie höchstens 256 Zeichen.",
  "error.password.common":
    "Dieses Passwort ist zu verbreitet. Wählen Sie eines, das schwerer zu erraten ist.",
  "error.password.breached":
    "Dieses Passwort kommt in bekannten Datenlecks vor. Wählen Sie ein anderes.",
  "error.password.context": "Das Passwort darf Ihren {what} nicht enthalten.",
  "error.password.contextEmail": "E-Mail-Namen (den Teil Ihrer E-Mail-Adresse vor dem @)",
  "error.password.contextName": "Namen",
  "error.password.contextUsername": "Benutzernamen",
  "error.name.invalid": "Höchstens 100 Zeichen, ohne Steuerzeichen.",
  "error.code.format": "Geben Sie die 6 Ziffern des Codes ein.",
  "error.locale.unsupported": "Diese Sprache wird nicht unterstützt.",
};
