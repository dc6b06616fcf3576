// Progressive enhancement for Latchkey's hosted pages. Every form works without this
// file; it only adds comfort. Served from the pages' own origin: the CSP allows no
// inline script.
(() => {
  const body = document.body;

  // Errors are announced by role="alert" and focused by autofocus; this covers browsers
  // that ignore autofocus on a non-control.
  const summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();

  // A show/hide button beside each password field.
  for (const field of document.querySelectorAll('input[type="password"]')) {
    const wrap = document.createElement("div");
    wrap.className = "password";
    field.parentNode.insertBefore(wrap, field);
    wrap.appendChild(field);
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "toggle";
    toggle.setAttribute("aria-controls", field.id);
    const show = (visible) => {
      field.type = visible ? "text" : "password";
      toggle.textContent = visible ? body.dataset.hide : body.dataset.show;
      toggle.setAttribute("aria-label", visible ? body.dataset.hideLabel : body.dataset.showLabel);
    };
    show(false);
    toggle.addEventListener("click", () => show(field.type === "password"));
    wrap.appendChild(toggle);
    // Never submit a password field as plain text: hide it again first.
    field.form?.addEventListener("submit", () => show(false));
  }

  // Codes are digits: drop spaces and dashes people paste along with them.
  for (const field of document.querySelectorAll(".code-input")) {
    field.addEventListener("input", () => {
      const digits = field.value.replace(/\D/g, "").slice(0, 6);
      if (digits !== field.value) field.value = digits;
    });
  }

  // Times are written in UTC by the server; show them in the reader's own time zone.
  const format = new Intl.DateTimeFormat(document.documentElement.lang, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  for (const time of document.querySelectorAll("time[datetime]")) {
    const when = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) time.textContent = format.format(when);
  }

  // One press, one request: a second click while the first is on its way does nothing.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "true";
      form.setAttribute("aria-busy", "true");
    });
  }

  // Recovery codes, shown once: copy them, or save them as a file, built from the page.
  const tools = document.querySelector("[data-code-tools]");
  if (tools) {
    const status = tools.querySelector("[data-code-status]");
    const codesOf = (id) =>
      [...document.querySelectorAll(`#${id} li`)].map((item) => item.textContent.trim()).join("\n");
    for (const button of tools.querySelectorAll("[data-copy]")) {
      button.addEventListener("click", () => {
        const text = codesOf(button.dataset.copy);
        const done = () => {
          status.textContent = button.dataset.done;
        };
        // The Clipboard API only in secure contexts: elsewhere, select the codes for Ctrl+C.
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => {});
        else {
          getSelection().selectAllChildren(document.getElementById(button.dataset.copy));
          if (document.execCommand("copy")) done();
        }
      });
    }
    for (const button of tools.querySelectorAll("[data-download]")) {
      button.addEventListener("click", () => {
        const text = `${codesOf(button.dataset.download)}\n`;
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
        link.download = button.dataset.filename;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      });
    }
    tools.hidden = false;
  }

  // The API's own calls, sent with the page's Origin so they pass its same-origin rule for
  // cookies (said again here: the page's own policy already does).
  const api = (path) =>
    fetch(path, {
      method: "POST",
      credentials: "same-origin",
      referrerPolicy: "same-origin",
      headers: { "content-type": "application/json" },
      body: "{}",
    });

  // Sent to sign in because the short-lived access cookie ran out: the refresh cookie
  // (path /auth, out of the pages' reach) may still hold a live session.
  const resume = document.querySelector("form[data-resume]");
  if (resume) {
    api("/auth/refresh")
      .then((response) => {
        if (response.ok) location.replace(resume.dataset.resume);
      })
      .catch(() => {});
  }

  // A passkey as the second factor: the options come from the page's own route (the
  // mfaToken's cookie goes only there), the browser asks the authenticator, and its answer
  // travels in the form. Without WebAuthn's JSON helpers the other ways stay on the page.
  const passkeyForm = document.querySelector("form[data-passkey-mfa]");
  const webauthn = window.PublicKeyCredential?.parseRequestOptionsFromJSON;
  if (passkeyForm && !webauthn) passkeyForm.hidden = true;
  if (passkeyForm && webauthn) {
    const status = passkeyForm.querySelector("[data-passkey-status]");
    const field = passkeyForm.querySelector('input[name="response"]');
    passkeyForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "";
      try {
        const options = await fetch(passkeyForm.dataset.passkeyMfa, {
          method: "POST",
          credentials: "same-origin",
        }).then((response) => (response.ok ? response.json() : Promise.reject(response)));
        const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
        const credential = await navigator.credentials.get({ publicKey });
        field.value = JSON.stringify(credential.toJSON());
        // submit(), not requestSubmit(): this form's own submit handlers have run.
        HTMLFormElement.prototype.submit.call(passkeyForm);
      } catch {
        status.textContent = passkeyForm.dataset.passkeyFailed;
        delete passkeyForm.dataset.sending;
        passkeyForm.removeAttribute("aria-busy");
      }
    });
  }
})();
