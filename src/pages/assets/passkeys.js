// Passkeys (methods/passkey): adding one on /account, signing in with one on /sign-in.
// Their parts are drawn hidden and shown here only where WebAuthn is: without it (or
// without script) the pages are as they were. Served with pages.js, as one file.
(() => {
  const add = document.querySelector("form[data-passkey-add]");
  const signIn = document.querySelector("[data-passkey-sign-in]");
  const PKC = window.PublicKeyCredential;
  if ((!add && !signIn) || !PKC || !navigator.credentials) return;

  // WebAuthn's JSON forms (Level 3) where the browser has them, base64url by hand elsewhere.
  const bytes = (text) =>
    Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const text = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const withIds = (list) => (list ?? []).map((item) => ({ ...item, id: bytes(item.id) }));
  const creationOptions = (json) =>
    PKC.parseCreationOptionsFromJSON
      ? PKC.parseCreationOptionsFromJSON(json)
      : {
          ...json,
          challenge: bytes(json.challenge),
          user: { ...json.user, id: bytes(json.user.id) },
          excludeCredentials: withIds(json.excludeCredentials),
        };
  const requestOptions = (json) =>
    PKC.parseRequestOptionsFromJSON
      ? PKC.parseRequestOptionsFromJSON(json)
      : {
          ...json,
          challenge: bytes(json.challenge),
          allowCredentials: withIds(json.allowCredentials),
        };
  const answer = (credential) => {
    if (credential.toJSON) return credential.toJSON();
    const r = credential.response;
    const response = r.attestationObject
      ? { attestationObject: text(r.attestationObject), transports: r.getTransports?.() ?? [] }
      : { authenticatorData: text(r.authenticatorData), signature: text(r.signature) };
    response.clientDataJSON = text(r.clientDataJSON);
    if (r.userHandle) response.userHandle = text(r.userHandle);
    return {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  };

  // JSON to this origin with the session cookie: the API's same-origin rule for cookies
  // lets it in, and the page's Referrer-Policy sends the real Origin.
  const post = async (path, body) => {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw { data };
    return data;
  };

  // The live region under the button says what happens; the words are the page's language.
  const say = (part, words) => {
    part.querySelector("[data-passkey-status]").textContent = words;
  };
  const fail = (part, problem, ownWords) => {
    const name = problem?.name;
    const code = problem?.data?.code;
    let words = part.dataset.failed;
    if (name === "NotAllowedError" || name === "AbortError") words = part.dataset.cancelled;
    else if (code === "MFA_REQUIRED") words = part.dataset.stepUp;
    else if (ownWords && problem?.data?.message) words = problem.data.message;
    say(part, words);
  };

  if (add) {
    let busy = false;
    add.hidden = false;
    add.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      say(add, add.dataset.waiting);
      try {
        const options = await post("/auth/passkeys/register/options", {});
        const credential = await navigator.credentials.create({
          publicKey: creationOptions(options),
        });
        const name = add.elements.name.value.trim();
        await post("/auth/passkeys/register", {
          response: answer(credential),
          ...(name && { name }),
        });
        location.assign(add.dataset.passkeyAdd);
      } catch (problem) {
        fail(add, problem, false);
        // pages.js marks a sent form; this one stays on the page and may be sent again.
        delete add.dataset.sending;
        add.removeAttribute("aria-busy");
        busy = false;
      }
    });
  }

  if (signIn) {
    signIn.hidden = false;
    const button = signIn.querySelector("button");
    let autofill = null;
    let autofillAsked = false;
    // The page's own route ends the sign-in (cookies, or the second factor's page).
    const finish = async (credential) => {
      say(signIn, signIn.dataset.waiting);
      const done = await post(signIn.dataset.passkeySignIn, { response: answer(credential) });
      location.assign(done.location);
    };
    const ask = async (mediation, signal) => {
      const options = await post("/auth/passkeys/login/options", {});
      const publicKey = requestOptions(options);
      return navigator.credentials.get({ publicKey, ...(mediation && { mediation }), signal });
    };
    button.addEventListener("click", async () => {
      autofill?.abort();
      autofill = null;
      button.disabled = true;
      say(signIn, signIn.dataset.waiting);
      try {
        await finish(await ask(null, undefined));
      } catch (problem) {
        fail(signIn, problem, true);
        button.disabled = false;
      }
    });

    // Autofill (conditional mediation): the browser lists passkeys under the email field.
    // Asked for when the field is first focused, not on every view: each request stores a
    // challenge and counts against the sign-in limit of the reader's address.
    const email = document.querySelector('input[autocomplete~="webauthn"]');
    const startAutofill = async () => {
      if (autofillAsked) return;
      autofillAsked = true;
      if (!(await PKC.isConditionalMediationAvailable?.())) return;
      autofill = new AbortController();
      try {
        await finish(await ask("conditional", autofill.signal));
      } catch (problem) {
        if (problem?.name !== "AbortError") fail(signIn, problem, true);
      }
    };
    if (email) {
      email.addEventListener("focus", startAutofill, { once: true });
      if (document.activeElement === email) startAutofill();
    }
  }
})();
