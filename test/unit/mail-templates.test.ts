import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/mail/templates/escape.js";
import { displayName, formatTtl } from "../../src/mail/templates/layout.js";
import { passwordChangedMail } from "../../src/mail/templates/password-changed.js";
import { passwordResetCodeMail } from "../../src/mail/templates/password-reset-code.js";
import { passwordResetLinkMail } from "../../src/mail/templates/password-reset-link.js";
import { verificationCodeMail } from "../../src/mail/templates/verification-code.js";

const EVIL = `<script>alert("x")</script> & 'co'`;
const ESCAPED_EVIL = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;";
/** A name that keeps an HTML-significant character through displayName. */
const QUOTED_NAME = "Anne-Marie O'Brien";
const ESCAPED_NAME = "Anne-Marie O&#39;Brien";

function expectWellFormed(mail: { subject: string; text: string; html: string }) {
  expect(mail.subject.length).toBeGreaterThan(0);
  expect(mail.text.trim().length).toBeGreaterThan(0);
  expect(mail.html).toMatch(/^<!doctype html>/);
  expect(mail.html).toContain("</html>");
  // No external assets: nothing for a mail client to fetch.
  expect(mail.html).not.toMatch(/<img|<link|src=|url\(/i);
  expect(mail.text).not.toMatch(/<[a-z]/i);
}

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    expect(escapeHtml(42)).toBe("42");
  });
});

describe("layout helpers", () => {
  it("formats durations for people", () => {
    expect(formatTtl(1)).toBe("1 minute");
    expect(formatTtl(10)).toBe("10 minutes");
    expect(formatTtl(60)).toBe("1 hour");
    expect(formatTtl(1440)).toBe("24 hours");
    expect(formatTtl(90)).toBe("90 minutes");
  });

  it("keeps names short and on one line", () => {
    expect(displayName(null)).toBeNull();
    expect(displayName("   ")).toBeNull();
    expect(displayName("Ada\n\nLovelace\u200b")).toBe("Ada Lovelace");
    expect(Array.from(displayName("x".repeat(500)) ?? "")).toHaveLength(41);
  });

  it("lets through what names are made of", () => {
    expect(displayName("Anne-Marie O'Brien Jr.")).toBe("Anne-Marie O'Brien Jr.");
    expect(displayName("José Ñúñez")).toBe("José Ñúñez");
    expect(displayName("渡辺 さくら")).toBe("渡辺 さくら");
    expect(displayName("Louis 14")).toBe("Louis 14");
  });

  it("keeps an attacker-chosen name from carrying a message into the mail", () => {
    // Links, hosts and addresses a mail client would make clickable: no name at all.
    expect(displayName("Visit https://evil.example now")).toBeNull();
    expect(displayName("go to evil.com")).toBeNull();
    expect(displayName("write to x@evil.co")).toBeNull();
    // Phone numbers and fake codes next to the real one.
    expect(displayName("call +1 555 0100")).toBeNull();
    expect(displayName("your code is 123456")).toBeNull();
    // Punctuation of sentences goes, and only a few words stay.
    expect(displayName("Ada! Your account is locked: reply with your password")).toBe(
      "Ada Your account is…",
    );
    expect(displayName("<b>Ada</b>")).toBe("b Ada b");
    // Full-width look-alikes fold to ASCII before the checks.
    expect(displayName("ｅｖｉｌ．ｃｏｍ")).toBeNull();
  });

  it("greets an attacker-chosen name without its message", () => {
    const mail = verificationCodeMail({
      productName: "Latchkey",
      name: "Bank security: visit evil.example/unlock and enter 424242",
      code: "123456",
      ttlMinutes: 5,
    });
    expect(mail.text.startsWith("Hello,\n")).toBe(true);
    expect(mail.text).not.toMatch(/evil|424242|unlock/);
    expect(mail.html).not.toMatch(/evil|424242|unlock/);
  });
});

describe("verificationCodeMail", () => {
  const mail = verificationCodeMail({
    productName: "Latchkey",
    name: "Ada",
    code: "042917",
    ttlMinutes: 10,
  });

  it("has both parts with the code and its lifetime", () => {
    expectWellFormed(mail);
    expect(mail.subject).toBe("Your Latchkey verification code");
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("042917");
      expect(part).toContain("10 minutes");
      expect(part).toContain("Ada");
      expect(part).toMatch(/did not sign up/);
    }
  });

  it("keeps the code out of the subject, which ends up in logs", () => {
    expect(mail.subject).not.toContain("042917");
  });

  it("escapes the name and product name in HTML", () => {
    const evil = verificationCodeMail({
      productName: EVIL,
      name: EVIL,
      code: "123456",
      ttlMinutes: 5,
    });
    expect(evil.html).not.toContain("<script>");
    expect(evil.html).toContain(ESCAPED_EVIL);
    expect(evil.text).toContain(EVIL);
  });

  it("greets without a name when there is none", () => {
    const anonymous = verificationCodeMail({
      productName: "Latchkey",
      name: null,
      code: "123456",
      ttlMinutes: 1,
    });
    expect(anonymous.text.startsWith("Hello,")).toBe(true);
    expect(anonymous.text).toContain("1 minute.");
  });
});

describe("passwordResetLinkMail", () => {
  const link = "https://app.example/password/reset/abc_DEF-123?x=1&y=2";
  const mail = passwordResetLinkMail({
    productName: "Latchkey",
    name: "Ada",
    link,
    ttlMinutes: 15,
  });

  it("has both parts with the link and its lifetime", () => {
    expectWellFormed(mail);
    expect(mail.subject).toBe("Reset your Latchkey password");
    expect(mail.text).toContain(`\n${link}\n`);
    expect(mail.html).toContain(`href="${escapeHtml(link)}"`);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("15 minutes");
      expect(part).toMatch(/did not ask/);
      expect(part).toMatch(/password stays unchanged/);
    }
  });

  it("escapes the name and a hostile link in HTML", () => {
    const evil = passwordResetLinkMail({
      productName: "Latchkey",
      name: QUOTED_NAME,
      link: `https://x.example/"><script>`,
      ttlMinutes: 15,
    });
    expect(evil.html).not.toContain("<script>");
    expect(evil.html).toContain(ESCAPED_NAME);
    expect(evil.html).toContain(`href="https://x.example/&quot;&gt;&lt;script&gt;"`);
  });
});

describe("passwordResetCodeMail", () => {
  const mail = passwordResetCodeMail({
    productName: "Latchkey",
    name: "Ada",
    code: "900001",
    ttlMinutes: 15,
  });

  it("has both parts with the code, its lifetime and what to do if unasked", () => {
    expectWellFormed(mail);
    expect(mail.subject).toBe("Your Latchkey password reset code");
    expect(mail.subject).not.toContain("900001");
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("900001");
      expect(part).toContain("15 minutes");
      expect(part).toMatch(/password stays unchanged/);
    }
  });

  it("escapes the name in HTML", () => {
    const evil = passwordResetCodeMail({
      productName: "L",
      name: QUOTED_NAME,
      code: "1",
      ttlMinutes: 1,
    });
    expect(evil.html).toContain(ESCAPED_NAME);
  });
});

describe("passwordChangedMail", () => {
  const when = new Date("2026-03-04T05:06:07Z");
  const mail = passwordChangedMail({ productName: "Latchkey", name: "Ada", when });

  it("has both parts with the time and what to do if it was not them", () => {
    expectWellFormed(mail);
    expect(mail.subject).toBe("Your Latchkey password was changed");
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("Wed, 04 Mar 2026 05:06:07 GMT");
      expect(part).toMatch(/If this was not you/);
      expect(part).toMatch(/Forgot password/);
    }
  });

  it("escapes the name in HTML", () => {
    const evil = passwordChangedMail({ productName: "Latchkey", name: QUOTED_NAME, when });
    expect(evil.html).toContain(ESCAPED_NAME);
  });
});

// Issue 13 item 3: a repeated sign-up's mail says so, when, and to ignore a code not asked for.
describe("verificationCodeMail for a repeated sign-up", () => {
  const when = new Date("2026-03-04T10:20:30Z");
  const cases = [
    { locale: "en", again: "signed up for Latchkey again", ignore: "did not ask for this code" },
    { locale: "es", again: "se ha vuelto a registrar", ignore: "no has pedido este código" },
    { locale: "de", again: "erneut bei Latchkey registriert", ignore: "nicht angefordert" },
  ] as const;
  for (const { locale, again, ignore } of cases) {
    it(`${locale}: names the repeated sign-up and its time, in text and html`, () => {
      const mail = verificationCodeMail({
        productName: "Latchkey",
        code: "123456",
        ttlMinutes: 10,
        locale,
        signedUpAgainAt: when,
      });
      expectWellFormed(mail);
      for (const body of [mail.text, mail.html]) {
        expect(body).toContain(again);
        expect(body).toContain(ignore);
        expect(body).toMatch(/2026/);
      }
      const plain = verificationCodeMail({
        productName: "Latchkey",
        code: "123456",
        ttlMinutes: 10,
        locale,
      });
      expect(plain.text).not.toContain(again);
    });
  }
});
