import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/composition/sign-in-methods.js";
import type { MessageKey } from "../../src/i18n/en.js";
import { negotiateLocale, parseLocaleTag, SUPPORTED_LOCALES } from "../../src/i18n/locales.js";
import { CATALOGUES, formatDuration, translator } from "../../src/i18n/translate.js";
import { passwordChangedMail } from "../../src/mail/templates/password-changed.js";
import { verificationCodeMail } from "../../src/mail/templates/verification-code.js";
import { extractCode } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { getPage, heading, postForm } from "./support.js";

const PASSWORD = "correct horse battery staple";
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  // The core's and every sign-in method's.
  const en = CATALOGUES.en as Record<MessageKey, string>;
  const englishKeys = Object.keys(en).sort();

  it.each(SUPPORTED_LOCALES.filter((l) => l !== "en"))(
    "%s has every English key, no other, with the same placeholders",
    (locale) => {
      const catalogue = CATALOGUES[locale];
      expect(Object.keys(catalogue).sort()).toEqual(englishKeys);
      for (const key of englishKeys as MessageKey[]) {
        const text = catalogue[key] ?? "";
        expect(text.trim(), `${locale} ${key}`).not.toBe("");
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(en[key]));
      }
    },
  );

  it("falls back to English for a key a catalogue lacks", () => {
    const catalogue = CATALOGUES.de as Record<string, string>;
    const saved = catalogue["signIn.title"];
    delete catalogue["signIn.title"];
    try {
      expect(translator("de")("signIn.title")).toBe("Sign in");
      expect(translator("de")("signIn.submit")).toBe("Anmelden");
    } finally {
      catalogue["signIn.title"] = saved ?? "";
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    const t = translator("es");
    expect(t("verify.introEmail", { email: "ana@latchkey.test" })).toBe(
      "Hemos enviado un código de 6 dígitos a ana@latchkey.test. Introdúcelo abajo.",
    );
    expect(t("verify.introEmail")).toContain("{email}");
  });

  it("spells durations in each language", () => {
    expect(formatDuration("en", 15)).toBe("15 minutes");
    expect(formatDuration("es", 60)).toBe("1 hora");
    expect(formatDuration("de", 1440)).toBe("24 Stunden");
  });
});

describe("language negotiation", () => {
  it.each([
    ["es", "es"],
    ["es-MX", "es"],
    ["DE-at", "de"],
    ["de_CH", "de"],
    ["en-GB", "en"],
    ["fr", null],
    ["", null],
    ["e", null],
    ["es-", null],
    ["<script>", null],
  ])("reads the tag %j as %j", (tag, locale) => {
    expect(parseLocaleTag(tag)).toBe(locale);
  });

  it.each([
    ["de-DE,de;q=0.9,en;q=0.8", "de"],
    ["fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7", "es"],
    ["en;q=0.5, es;q=0.9", "es"],
    ["es;q=0, de", "de"],
    ["fr, it", null],
    ["*", null],
    [undefined, null],
    [`${"fr,".repeat(50)}de`, null],
  ])("Accept-Language %j picks %j", (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});

describe("localized mail templates", () => {
  it("writes the verification mail in Spanish and German, with the code before the link", () => {
    const link = "https://auth.example/verify-email?code=042917&email=ana%40example.com";
    const es = verificationCodeMail({
      productName: "Latchkey",
      name: "Ana",
      code: "042917",
      ttlMinutes: 10,
      link,
      locale: "es",
    });
    expect(es.subject).toBe("Tu código de verificación de Latchkey");
    expect(es.text).toMatch(/^Hola, Ana:/);
    expect(es.text).toContain("El código es válido durante 10 minutos.");
    expect(es.text).toContain(`Confirmar dirección de correo:\n${link}\n`);
    expect(es.text.indexOf("042917")).toBeLessThan(es.text.indexOf(link));
    expect(es.html).toContain('<html lang="es">');
    expect(es.html).toContain("Si el botón no funciona");

    const de = verificationCodeMail({
      productName: "Latchkey",
      name: null,
      code: "042917",
      ttlMinutes: 60,
      locale: "de",
    });
    expect(de.subject).toBe("Ihr Bestätigungscode für Latchkey");
    expect(de.text).toContain("Der Code ist 1 Stunde lang gültig.");
    expect(de.text).not.toContain("http");
  });

  it("dates the password-changed mail in the reader's language, in UTC", () => {
    const when = new Date("2026-03-04T05:06:07Z");
    const de = passwordChangedMail({ productName: "Latchkey", when, locale: "de" });
    expect(de.text).toContain("am Mittwoch, 4. März 2026 um 05:06:07 UTC geändert");
    const es = passwordChangedMail({ productName: "Latchkey", when, locale: "es" });
    expect(es.text).toContain("el miércoles, 4 de marzo de 2026");
  });
});

describe("the user's language, stored at sign-up and used for their mail", () => {
  let server: TestServer;
  let sequence = 0;
  const email = (tag: string) => `${tag}-${++sequence}@latchkey.test`;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { RESEND_COOLDOWN: "0" } });
  });
  afterAll(() => server?.close());

  const mailTo = (address: string, subject: RegExp) =>
    server.smtp.waitForMail((m) => m.to.includes(address) && subject.test(m.subject));
  const storedLocale = async (address: string) =>
    (await server.runtime.deps.stores.users.findByEmail(address))?.locale;

  it("an explicit locale field wins over Accept-Language", async () => {
    const address = email("es-field");
    const res = await server.post(
      "/auth/register",
      { email: address, password: PASSWORD, locale: "es-MX" },
      { "accept-language": "de" },
    );
    expect(res.status).toBe(201);
    expect(await storedLocale(address)).toBe("es");
    const mail = await mailTo(address, /verificación/);
    expect(mail.text).toContain("Usa este código");
  });

  it("Accept-Language sets it when the body has none; a language we lack leaves it unset", async () => {
    const german = email("de-header");
    await server.post(
      "/auth/register",
      { email: german, password: PASSWORD },
      { "accept-language": "fr-FR, de;q=0.8, en;q=0.5" },
    );
    expect(await storedLocale(german)).toBe("de");
    expect((await mailTo(german, /Bestätigungscode/)).text).toContain("Hallo,");

    const french = email("fr-header");
    await server.post(
      "/auth/register",
      { email: french, password: PASSWORD },
      { "accept-language": "fr" },
    );
    expect(await storedLocale(french)).toBeNull();
    expect((await mailTo(french, /verification code/)).text).toMatch(/^Hello,/);
  });

  it("an unsupported locale field is 400 VALIDATION_FAILED naming the field", async () => {
    for (const locale of ["fr", "klingon", ""]) {
      const res = await server.post("/auth/register", {
        email: email("bad-locale"),
        password: PASSWORD,
        locale,
      });
      expect(res.status, locale).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.errors).toEqual([{ field: "locale", message: expect.any(String) }]);
    }
  });

  it("later mail (reset link, reset code, password changed) follows the stored locale", async () => {
    const address = email("de-later");
    const res = await server.post("/auth/register", {
      email: address,
      password: PASSWORD,
      locale: "de",
    });
    const code = extractCode(await mailTo(address, /Bestätigungscode/));
    await server.post("/auth/verify-email", { userId: res.body.userId, code });
    // The request's language does not matter: the recipient's does.
    await server.post("/auth/forgot-password", { email: address }, { "accept-language": "es" });
    const link = await mailTo(address, /zurück$/);
    expect(link.text).toContain("Der Link ist 15 Minuten lang gültig und funktioniert einmal.");
    await server.post("/auth/forgot-password", { email: address, method: "code" });
    const resetCode = await mailTo(address, /Code zum Zurücksetzen/);
    expect(resetCode.text).toContain("Neues Passwort wählen:");
    await server.post("/auth/reset-password", {
      email: address,
      code: extractCode(resetCode),
      password: "a brand new passphrase",
    });
    const changed = await mailTo(address, /wurde geändert/);
    expect(changed.html).toContain('<html lang="de">');
  });

  it("the sign-up page stores the page's language: ?lang=es", async () => {
    const address = email("es-page");
    const page = await getPage(server, "/sign-up?lang=es");
    expect(page.html).toMatch(/<html lang="es">/);
    expect(heading(page.html)).toBe("Crear una cuenta");
    const done = await postForm(server, "/sign-up?lang=es", {
      email: address,
      password: PASSWORD,
      lang: "es",
    });
    expect(done.location).toBe(`/verify-email?email=${encodeURIComponent(address)}&lang=es`);
    expect(await storedLocale(address)).toBe("es");
    expect((await mailTo(address, /verificación/)).text).toContain("Hola:");
    const verify = await getPage(server, done.location ?? "");
    expect(heading(verify.html)).toBe("Verifica tu correo");
  });

  it("pages follow Accept-Language, and ?lang= over it", async () => {
    const german = await getPage(server, "/password/forgot", {
      headers: { "accept-language": "de-AT,de;q=0.9" },
    });
    expect(heading(german.html)).toBe("Passwort vergessen?");
    expect(german.html).toContain(
      '<a href="/password/forgot?lang=de" lang="de" hreflang="de" aria-current="true">Deutsch</a>',
    );
    const spanish = await getPage(server, "/password/forgot?lang=es", {
      headers: { "accept-language": "de" },
    });
    expect(heading(spanish.html)).toBe("¿Has olvidado tu contraseña?");
    const fallback = await getPage(server, "/password/forgot?lang=xx", {
      headers: { "accept-language": "it" },
    });
    expect(heading(fallback.html)).toBe("Forgot your password?");
  });
});
