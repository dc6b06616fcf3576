/**
 * The English catalogue: every message the hosted pages and the mail say. It defines the
 * keys; other languages may lack some (they fall back to these) but a test holds them
 * to the full set. `{name}` placeholders are filled by translator(); values are text and
 * are escaped by whoever puts them into HTML.
 */
export const en = {
  // Mail
  "mail.greeting.named": "Hi {name},",
  "mail.greeting.anonymous": "Hello,",
  "mail.linkFallback": "If the button does not work, copy this address into your browser:",
  "mail.verify.subject": "Your {product} verification code",
  "mail.verify.intro": "Use this code to confirm your email address for {product}:",
  "mail.verify.validity": "The code is valid for {ttl}.",
  "mail.verify.button": "Confirm email address",
  "mail.verify.ignore":
    "If you did not sign up for {product}, ignore this email: no account is activated without the code.",
  "mail.verify.again":
    "This address was signed up for {product} again on {when}. This code confirms that sign-up, with the password chosen then; a code sent earlier still confirms the earlier one until it expires.",
  "mail.verify.againIgnore":
    "If you did not ask for this code, ignore it: without it, that sign-up never becomes active.",
  "mail.resetLink.subject": "Reset your {product} password",
  "mail.resetLink.intro":
    "Someone asked to reset the password of your {product} account. Choose a new password here:",
  "mail.resetLink.button": "Reset password",
  "mail.resetLink.validity": "The link is valid for {ttl} and works once.",
  "mail.resetCode.subject": "Your {product} password reset code",
  "mail.resetCode.intro":
    "Someone asked to reset the password of your {product} account. Enter this code to choose a new password:",
  "mail.resetCode.validity": "The code is valid for {ttl}.",
  "mail.resetCode.button": "Choose a new password",
  "mail.reset.ignore":
    "If you did not ask for this, ignore this email: your password stays unchanged.",
  "mail.changed.subject": "Your {product} password was changed",
  "mail.changed.body":
    "The password of your {product} account was changed on {when}. Other signed-in sessions were signed out.",
  "mail.changed.ok": "If this was you, there is nothing else to do.",
  "mail.changed.notYou":
    'If this was not you, reset your password right away with "Forgot password" on the {product} sign-in page, and tell your administrator: someone else may have had access to your account or your email.',

  // Page frame and shared pieces
  "page.languages": "Language",
  "page.errorSummary": "There is a problem",
  "page.errorPrefix": "Error:",
  "page.optional": "(optional)",
  "page.showPassword": "Show",
  "page.hidePassword": "Hide",
  "page.showPasswordLabel": "Show password",
  "page.hidePasswordLabel": "Hide password",

  // Fields
  "field.email": "Email address",
  "field.password": "Password",
  "field.newPassword": "New password",
  "field.confirmPassword": "Confirm new password",
  "field.currentPassword": "Current password",
  "field.name": "Name",
  "field.code": "6-digit code",
  "field.passwordHint": "At least {min} characters. A long phrase is easy to remember.",
  "field.codeHint": "The code is in the email we sent you.",

  // Sign in
  "notice.verified": "Your email address is verified. You can sign in now.",
  "notice.signedOut": "You are signed out.",
  "notice.signInRequired": "Sign in to continue.",

  // Sign up
  "signUp.title": "Create an account",
  "signUp.submit": "Create account",
  "signUp.haveAccount": "Already have an account?",
  "signUp.signIn": "Sign in",

  // Verify email
  "verify.title": "Verify your email",
  "verify.introEmail": "We sent a 6-digit code to {email}. Enter it below.",
  "verify.intro": "Enter the 6-digit code from the email we sent you.",
  "verify.submit": "Verify",
  "verify.resendTitle": "No code?",
  "verify.resendText": "Codes expire after a while. We can send you a new one.",
  "verify.resendSubmit": "Send a new code",
  "verify.resent":
    "If that address has an account waiting for verification, a new code is on its way.",

  // Forgot password
  "forgot.title": "Forgot your password?",
  "forgot.intro":
    "Enter the email address of your account. We will send you a link to choose a new password.",
  "forgot.submit": "Send reset link",
  "forgot.haveCode": "Have a reset code?",
  "forgot.enterCode": "Enter it here",
  "forgot.remembered": "Remembered it?",
  "sent.title": "Check your email",
  "sent.text":
    "If {email} has an account, we have sent it a link to choose a new password. The link is valid for {ttl}.",
  "sent.spam": "Nothing after a few minutes? Check your spam folder, or ask again.",
  "sent.again": "Ask again",

  // Reset password
  "reset.title": "Choose a new password",
  "reset.intro": "Enter your new password twice.",
  "reset.codeIntro": "Enter your email address, the code from the email, and your new password.",
  "reset.submit": "Set new password",
  "reset.invalidTitle": "This link no longer works",
  "reset.invalidText":
    "Reset links work once and expire after {ttl}. This one was already used, has expired, or was replaced by a newer one.",
  "reset.askNew": "Ask for a new link",

  // Account
  "account.title": "Your account",
  "account.profile": "Profile",
  "account.memberSince": "Member since",
  "account.verified": "Verified",
  "account.notVerified": "Not verified",
  "account.sessions": "Where you are signed in",
  "account.thisDevice": "This device",
  "account.device": "{browser} on {os}",
  "account.unknownDevice": "Unknown device",
  "account.signedIn": "Signed in {when}",
  "account.lastActive": "Last active {when}",
  "account.ipAddress": "IP address {ip}",
  "account.revoke": "Sign out this session",
  "account.changePassword": "Change password",
  "account.changePasswordHint": "Your other sessions are signed out when you change it.",
  "account.changeSubmit": "Change password",
  "account.signOut": "Sign out",
  "notice.passwordChanged": "Your password was changed. Your other sessions were signed out.",
  "notice.passwordReset": "Your new password is set and you are signed in.",
  "notice.sessionEnded": "That session is signed out.",

  // Message pages
  "error.title": "Something went wrong",
  "error.back": "Back to sign in",
  "error.crossSite":
    "This form was sent from another site, so it was refused. Open the page again and retry.",

  // Errors, by the API's error codes and the fields they concern
  "error.VALIDATION_FAILED": "Check the highlighted fields.",
  "error.INVALID_CODE": "The code is not right. Check the latest email and try again.",
  "error.CODE_EXPIRED": "The code has expired. Ask for a new one.",
  "error.INVALID_TOKEN": "The code is not right or has expired.",
  "error.PASSWORD_MISMATCH": "The two passwords are not the same.",
  "error.UNAUTHORIZED": "Sign in to continue.",
  "error.INVALID_CREDENTIALS": "The email address or password is not right.",
  "error.EMAIL_NOT_VERIFIED": "Verify your email address before signing in.",
  "error.verifyNow": "Verify it now",
  "error.ACCOUNT_BLOCKED": "This account is blocked. Contact your administrator.",
  "error.FORBIDDEN": "You are not allowed to do this.",
  "error.NOT_FOUND": "That session no longer exists.",
  "error.EMAIL_TAKEN": "An account with this email address already exists.",
  "error.USERNAME_TAKEN": "This username is taken.",
  "error.ALREADY_VERIFIED": "This email address is already verified. You can sign in.",
  "error.TOO_MANY_ATTEMPTS": "Too many wrong tries. Ask for a new code.",
  "error.RATE_LIMITED": "Too many tries. Wait {minutes} and try again.",
  "error.PAYLOAD_TOO_LARGE": "What you sent is too large.",
  "error.UNSUPPORTED_MEDIA_TYPE": "Send this form from its page.",
  "error.INTERNAL": "Something went wrong on our side. Try again in a moment.",
  "error.UNAVAILABLE": "The service is temporarily unavailable. Try again in a moment.",
  "error.currentPassword.wrong": "The current password is not right.",
  "error.email.required": "Enter your email address.",
  "error.email.invalid": "Enter an email address like name@example.com.",
  "error.password.tooShort": "Use at least {min} characters.",
  "error.password.tooLong": "Use at most 256 characters.",
  "error.password.common": "This password is too common. Choose one that is harder to guess.",
  "error.password.breached": "This password appears in known data breaches. Choose another one.",
  "error.password.context": "The password must not contain your {what}.",
  "error.password.contextEmail": "email name (the part of your email address before the @)",
  "error.password.contextName": "name",
  "error.password.contextUsername": "username",
  "error.name.invalid": "Use at most 100 characters, without control characters.",
  "error.code.format": "Enter the 6 digits of the code.",
  "error.locale.unsupported": "This language is not supported.",
} as const satisfies Record<string, string>;

/**
 * Keys a sign-in method brings with its pages and mail (SignInMethod.messages); its folder
 * names them here by declaration merging, so translator() checks them like the core's.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface MethodMessageKeys {}

export type MessageKey = keyof typeof en | keyof MethodMessageKeys;

/** A language's messages; a missing key falls back to English. */
export type Catalogue = Readonly<Partial<Record<MessageKey, string>>>;
