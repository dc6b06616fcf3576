import {
  cookieStorage,
  createLatchkeyClient,
  isMfaChallenge,
  localStorageStorage,
} from "@latchkey/client";
import { field, onSubmit, queryParam, show, text } from "./dom.js";

/** Set by server.ts when it bundles this file. */
declare const LATCHKEY_URL: string;

// Cookie mode by default: the tokens stay in Latchkey's HttpOnly cookies, out of scripts' reach.
const storage = queryParam("storage") === "local" ? localStorageStorage() : cookieStorage();
const latchkey = createLatchkeyClient({ baseUrl: LATCHKEY_URL, storage });

let userId = "";
let mfaToken = "";
let factorId = "";

async function render(): Promise<void> {
  const me = latchkey.session ? await latchkey.me().catch(() => null) : null;
  if (!me) return show("signed-out");
  text("who", `Signed in as ${me.user.email} (${me.aal})`);
  show("signed-in");
}

// Another tab signed in or out, or the session ended: show what is true now.
latchkey.onAuthStateChange((event) => {
  if (event !== "TOKEN_REFRESHED") void render();
});

onSubmit("sign-up", async () => {
  ({ userId } = await latchkey.signUp({ email: field("email"), password: field("password") }));
  show("verify");
});

onSubmit("verify-form", async () => {
  await latchkey.verifyEmail({ userId, code: field("verify-code") });
  text("status", "Email verified: sign in.");
  show("signed-out");
});

onSubmit("sign-in", async () => {
  const answer = await latchkey.signIn({ email: field("email"), password: field("password") });
  if (isMfaChallenge(answer)) {
    mfaToken = answer.mfaToken;
    return show("mfa");
  }
  await render();
});

// The browser's passkey prompt; a passkey without user verification may still ask for a code.
onSubmit("passkey-sign-in", async () => {
  const answer = await latchkey.passkeys.signIn();
  if (isMfaChallenge(answer)) {
    mfaToken = answer.mfaToken;
    return show("mfa");
  }
  await render();
});

onSubmit("passkey-add", async () => {
  await latchkey.passkeys.register("This browser");
  text("status", "Passkey added.");
});

onSubmit("mfa-form", async () => {
  await latchkey.verifyMfa({ mfaToken, method: "totp", code: field("mfa-code") });
  await render();
});

/** The protected call: ten at once, each surviving an expired access token. */
onSubmit("burst", async () => {
  text("result", "…");
  const answers = await Promise.all(Array.from({ length: 10 }, () => latchkey.fetch("/auth/me")));
  text("result", `${answers.filter((answer) => answer.ok).length} of 10 answered`);
});

onSubmit("totp-start", async () => {
  const answer = await latchkey.fetch("/auth/mfa/totp", {
    method: "POST",
    body: "{}",
    headers: JSON_HEADERS,
  });
  const enrolment = (await answer.json()) as { factorId: string; secret: string };
  factorId = enrolment.factorId;
  text("totp-secret", enrolment.secret);
});

onSubmit("totp-confirm", async () => {
  const answer = await latchkey.fetch(`/auth/mfa/totp/${factorId}/confirm`, {
    method: "POST",
    body: JSON.stringify({ code: field("totp-code") }),
    headers: JSON_HEADERS,
  });
  if (!answer.ok) throw new Error("That code did not match: try the next one.");
  // Confirming revokes the user's other sessions; sign in again, now with two steps.
  await latchkey.signOut();
  text("status", "Two-step sign-in is on: sign in again.");
});

onSubmit("sign-out", () => latchkey.signOut());

const JSON_HEADERS = { "content-type": "application/json" };

void render();
