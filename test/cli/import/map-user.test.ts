import { describe, expect, it } from "vitest";
import { mapUser, parseUserRecord } from "../../../src/cli/import/map-user.js";

const NOW = new Date("2030-01-01T00:00:00.000Z");
// A well-formed bcrypt string (cost 04); mapping checks the shape, not the password.
const BCRYPT = "$2b$04$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";

function ok(document: Record<string, unknown>) {
  const result = mapUser({ email: "a@example.com", password: BCRYPT, ...document }, NOW);
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.user;
}

function problems(document: Record<string, unknown>): string[] {
  const result = mapUser({ email: "a@example.com", password: BCRYPT, ...document }, NOW);
  return result.ok ? [] : result.problems;
}

describe("mapUser", () => {
  it("maps a minimal record to a pending user created now", () => {
    expect(ok({})).toEqual({
      email: "a@example.com",
      name: null,
      username: null,
      passwordHash: BCRYPT,
      status: "pending",
      role: "user",
      emailVerifiedAt: null,
      createdAt: NOW,
      legacyId: null,
      locale: null,
    });
  });

  it("normalises the email like sign-up and refuses what sign-up refuses", () => {
    expect(ok({ email: "  Ada@Example.COM " }).email).toBe("ada@example.com");
    expect(problems({ email: "not-an-address" })).toEqual(["email: Email is not a valid address."]);
    expect(problems({ email: undefined })).toEqual(["email: missing"]);
    expect(problems({ email: 42 })).toEqual(["email: must be a string"]);
  });

  it("keeps bcrypt hashes of every prefix as they are, and refuses anything else", () => {
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const hash = `${prefix}${BCRYPT.slice(4)}`;
      expect(ok({ password: hash }).passwordHash).toBe(hash);
    }
    expect(problems({ password: "hunter2" })[0]).toMatch(/^password: not a bcrypt hash/);
    expect(problems({ password: `$2x$${BCRYPT.slice(4)}` })[0]).toMatch(/^password:/);
    expect(
      problems({ password: "$2b$03$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234" })[0],
    ).toMatch(/^password:/);
    expect(problems({ password: undefined })[0]).toMatch(/^password: missing/);
  });

  it("accepts a Latchkey export's passwordHash, argon2id included", () => {
    const argon = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
    expect(ok({ password: undefined, passwordHash: argon }).passwordHash).toBe(argon);
  });

  it("treats each verified alias alike: verified at createdAt, active", () => {
    const createdAt = new Date("2019-05-01T00:00:00Z");
    for (const alias of ["isVerified", "verified", "emailVerified"]) {
      const user = ok({ [alias]: true, createdAt });
      expect(user.emailVerifiedAt, alias).toEqual(createdAt);
      expect(user.status, alias).toBe("active");
    }
    const verifiedAt = new Date("2019-06-01T00:00:00Z");
    expect(ok({ emailVerified: verifiedAt }).emailVerifiedAt).toEqual(verifiedAt);
    expect(ok({ isVerified: false }).emailVerifiedAt).toBeNull();
    expect(problems({ verified: "yes" })[0]).toMatch(/^verified: must be true, false or a date/);
  });

  it("an active account counts as verified unless the record says it is not", () => {
    const createdAt = new Date("2019-05-01T00:00:00Z");
    expect(ok({ status: "active", createdAt })).toMatchObject({
      status: "active",
      emailVerifiedAt: createdAt,
    });
    expect(ok({ status: "active", isVerified: false, createdAt })).toMatchObject({
      status: "active",
      emailVerifiedAt: null,
    });
    expect(ok({ status: "pending" }).emailVerifiedAt).toBeNull();
    expect(ok({ status: "blocked" }).emailVerifiedAt).toBeNull();
  });

  it("verified without createdAt: verified now", () => {
    expect(ok({ verified: true }).emailVerifiedAt).toEqual(NOW);
  });

  it("derives the status: blocked wins, then verified, then the record's own", () => {
    expect(ok({ status: "blocked", isVerified: true }).status).toBe("blocked");
    expect(ok({ isBlocked: true, isVerified: true }).status).toBe("blocked");
    expect(ok({ isBlocked: false, status: "ACTIVE" }).status).toBe("active");
    expect(ok({ status: "pending", verified: true }).status).toBe("active");
    expect(ok({ status: "active" }).status).toBe("active");
    expect(problems({ status: "deleted" })[0]).toMatch(
      /^status: must be one of pending, active, blocked/,
    );
    expect(problems({ isBlocked: "true" })[0]).toMatch(/^isBlocked:/);
  });

  it("maps the role and refuses unknown ones", () => {
    expect(ok({ role: "admin" }).role).toBe("admin");
    expect(ok({ role: "User" }).role).toBe("user");
    expect(problems({ role: "superuser" })[0]).toMatch(/^role:/);
  });

  it("checks name and username with sign-up's rules; empty means none", () => {
    expect(ok({ name: " Ada Lovelace ", username: "ada.l" })).toMatchObject({
      name: "Ada Lovelace",
      username: "ada.l",
    });
    expect(ok({ name: "", username: null })).toMatchObject({ name: null, username: null });
    expect(problems({ username: "a b" })[0]).toMatch(/^username:/);
    expect(problems({ name: "x".repeat(101) })[0]).toMatch(/^name:/);
  });

  it("keeps _id as legacyId, whatever its type", () => {
    expect(ok({ _id: "abc" }).legacyId).toBe("abc");
    expect(ok({ _id: 17 }).legacyId).toBe("17");
    expect(ok({ legacyId: "from-export" }).legacyId).toBe("from-export");
    expect(problems({ _id: { nested: true } })[0]).toMatch(/^_id:/);
  });

  it("takes createdAt from a date, an ISO string or milliseconds, else from the ObjectId", () => {
    expect(ok({ createdAt: "2018-03-04T05:06:07Z" }).createdAt.toISOString()).toBe(
      "2018-03-04T05:06:07.000Z",
    );
    expect(ok({ createdAt: 0 }).createdAt.toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(problems({ createdAt: "yesterday" })[0]).toMatch(/^createdAt: not a date/);
    const parsed = parseUserRecord(
      JSON.stringify({
        _id: { $oid: "5f1d7f0e2c3b4a0012345678" },
        email: "a@example.com",
        password: BCRYPT,
      }),
      NOW,
    );
    expect(parsed.ok && parsed.user.createdAt.toISOString()).toBe("2020-07-26T13:03:10.000Z");
    expect(parsed.ok && parsed.user.legacyId).toBe("5f1d7f0e2c3b4a0012345678");
  });

  it("keeps a locale that looks like a language tag", () => {
    expect(ok({ locale: "pt-BR" }).locale).toBe("pt-BR");
    expect(problems({ locale: "not a locale" })[0]).toMatch(/^locale:/);
  });

  it("lists every problem of a record at once", () => {
    expect(problems({ email: "bad", password: "bad", role: "root" })).toHaveLength(3);
  });
});

describe("parseUserRecord", () => {
  it("reads canonical and relaxed Extended JSON alike", () => {
    const canonical = parseUserRecord(
      `{"_id":{"$oid":"5f1d7f0e2c3b4a0012345678"},"email":"a@example.com","password":"${BCRYPT}","createdAt":{"$date":{"$numberLong":"1595757600000"}},"isVerified":true}`,
      NOW,
    );
    const relaxed = parseUserRecord(
      `{"_id":{"$oid":"5f1d7f0e2c3b4a0012345678"},"email":"a@example.com","password":"${BCRYPT}","createdAt":{"$date":"2020-07-26T10:00:00Z"},"isVerified":true}`,
      NOW,
    );
    expect(canonical).toEqual(relaxed);
    expect(canonical.ok && canonical.user.emailVerifiedAt?.toISOString()).toBe(
      "2020-07-26T10:00:00.000Z",
    );
  });

  it("reports text that is not JSON, not an object, or a broken wrapper", () => {
    expect(parseUserRecord("{nope", NOW)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^not valid JSON/)],
    });
    expect(parseUserRecord("[1]", NOW)).toEqual({ ok: false, problems: ["not a JSON object"] });
    expect(parseUserRecord('{"_id":{"$oid":"zz"}}', NOW)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^\$oid must be/)],
    });
  });
});
