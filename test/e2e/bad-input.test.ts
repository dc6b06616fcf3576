import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectFieldError,
  mailsTo,
  PASSWORD,
  settleMail,
  uniqueEmail,
} from "./support.js";

interface Route {
  path: string;
  /** A body the route accepts (whatever the outcome), fresh per call. */
  valid: () => Record<string, string>;
  /** Every string field of the schema. */
  strings: string[];
  required: string[];
}

const ROUTES: Route[] = [
  {
    path: "/auth/register",
    valid: () => ({ email: uniqueEmail("bad-input"), password: PASSWORD }),
    strings: ["email", "password", "name", "username"],
    required: ["email", "password"],
  },
  {
    path: "/auth/verify-email",
    valid: () => ({ userId: randomUUID(), code: "123456" }),
    strings: ["code", "userId", "id", "email"],
    required: ["code"],
  },
  {
    path: "/auth/verify-email/resend",
    valid: () => ({ email: uniqueEmail("bad-input") }),
    strings: ["email"],
    required: ["email"],
  },
  {
    path: "/auth/login",
    valid: () => ({ email: uniqueEmail("bad-input"), password: PASSWORD }),
    strings: ["email", "password"],
    required: ["email", "password"],
  },
];

const ONE_MIB = 1024 * 1024;

describeEachStore("malformed requests", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  async function countUsers(): Promise<number> {
    const row = await server.runtime.database.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  describe.each(ROUTES)("POST $path", (route) => {
    it("malformed JSON, and an empty JSON body: 400 INVALID_JSON", async () => {
      for (const raw of ['{"email":', "{'email': 'a@b.test'}", '{"a":1}}', "\u0000"]) {
        expectError(await server.post(route.path, raw), 400, "INVALID_JSON");
      }
      expectError(await server.post(route.path, ""), 400, "INVALID_JSON");
    });

    it("JSON that is not an object: 400 VALIDATION_FAILED", async () => {
      for (const raw of ["[]", '"a string"', "42", "null", "true"]) {
        const res = await server.post(route.path, raw);
        expect(res.status, `${raw} -> ${JSON.stringify(res.body)}`).toBe(400);
        expect(["VALIDATION_FAILED", "INVALID_JSON"]).toContain(res.body.code);
        expectError(res, 400, res.body.code);
      }
    });

    it("a wrong type in any field: 400 VALIDATION_FAILED naming it", async () => {
      for (const field of route.strings) {
        for (const wrong of [12345, ["a"], { $gt: "" }, null, true]) {
          const res = await server.post(route.path, { ...route.valid(), [field]: wrong });
          expectFieldError(res, field);
        }
      }
    });

    it("a missing required field: 400 VALIDATION_FAILED naming it", async () => {
      for (const field of route.required) {
        const body: Record<string, string> = route.valid();
        delete body[field];
        expectFieldError(await server.post(route.path, body), field);
      }
    });

    it("an unknown field: 400 VALIDATION_FAILED naming it", async () => {
      expectFieldError(await server.post(route.path, { ...route.valid(), role: "admin" }), "role");
      expectFieldError(
        await server.post(route.path, { ...route.valid(), status: "active" }),
        "status",
      );
    });

    it(`a body over BODY_LIMIT (1 MiB): 413 PAYLOAD_TOO_LARGE`, async () => {
      const body = JSON.stringify({ ...route.valid(), pad: "x".repeat(ONE_MIB) });
      expectError(await server.post(route.path, body), 413, "PAYLOAD_TOO_LARGE");
    });

    it("a form-encoded body: 415 UNSUPPORTED_MEDIA_TYPE", async () => {
      const res = await server.post(route.path, "email=a%40b.test", {
        "content-type": "application/x-www-form-urlencoded",
      });
      expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    });

    // Regression, fixed (was: src/app.ts): Fastify's built-in text/plain parser is left registered, so a
    // text/plain body reaches schema validation and answers 400 VALIDATION_FAILED
    // ("body must be object") instead of the API reference's 415 UNSUPPORTED_MEDIA_TYPE.
    it("a text/plain body: 415 UNSUPPORTED_MEDIA_TYPE", async () => {
      const res = await server.post(route.path, JSON.stringify(route.valid()), {
        "content-type": "text/plain",
      });
      expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    });

    it("__proto__ and constructor.prototype keys: 400, nothing stored, nothing polluted", async () => {
      const valid = route.valid();
      const fields = JSON.stringify(valid).slice(1, -1);
      const raws = [
        `{${fields},"__proto__":{"role":"admin","polluted":true}}`,
        `{"__proto__":{"polluted":true},${fields}}`,
        `{${fields},"constructor":{"prototype":{"role":"admin","polluted":true}}}`,
      ];
      for (const raw of raws) {
        const res = await server.post(route.path, raw);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expectError(res, 400, res.body.code);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).role).toBeUndefined();
      if (valid.email) {
        const email = valid.email.toLowerCase();
        expect(await server.runtime.deps.stores.users.findByEmail(email)).toBeNull();
        await settleMail(server);
        expect(mailsTo(server, email)).toHaveLength(0);
      }
    });
  });

  describe("emails with control characters or injections", () => {
    const bad = [
      "nul\u0000byte@latchkey.test",
      "bell\u0007@latchkey.test",
      "line\nbreak@latchkey.test",
      "tab\tin@latchkey.test",
      "del\u007f@latchkey.test",
      "a@latchkey.test\r\nBcc: victim@latchkey.test",
      '"quoted local"@latchkey.test',
      "no-at-sign.latchkey.test",
      `${"a".repeat(250)}@latchkey.test`,
    ];

    it("register refuses each with 400 VALIDATION_FAILED on email, storing and mailing nothing", async () => {
      await settleMail(server);
      const mailed = server.smtp.mails.length;
      const users = await countUsers();
      for (const email of bad) {
        expectFieldError(
          await server.post("/auth/register", { email, password: PASSWORD }),
          "email",
        );
      }
      await settleMail(server);
      expect(server.smtp.mails.length).toBe(mailed);
      expect(await countUsers()).toBe(users);
    });

    it("login answers them like an unknown email: 401 INVALID_CREDENTIALS", async () => {
      for (const email of bad) {
        // Issue 13 item 9: a NUL is refused on every route before any lookup.
        if (email.includes("\u0000")) {
          expectFieldError(
            await server.post("/auth/login", { email, password: PASSWORD }),
            "email",
          );
          continue;
        }
        expectError(
          await server.post("/auth/login", { email, password: PASSWORD }),
          401,
          "INVALID_CREDENTIALS",
        );
      }
    });

    it("resend refuses them with 400 VALIDATION_FAILED on email", async () => {
      for (const email of bad) {
        expectFieldError(await server.post("/auth/verify-email/resend", { email }), "email");
      }
    });

    it("a name with control characters and a malformed username are refused on register", async () => {
      const email = uniqueEmail("names");
      expectFieldError(
        await server.post("/auth/register", { email, password: PASSWORD, name: "Ada\u0000" }),
        "name",
      );
      expectFieldError(
        await server.post("/auth/register", {
          email,
          password: PASSWORD,
          name: "Eve\r\nBcc: x@y.z",
        }),
        "name",
      );
      expectFieldError(
        await server.post("/auth/register", { email, password: PASSWORD, username: "no spaces" }),
        "username",
      );
      expectFieldError(
        await server.post("/auth/register", { email, password: PASSWORD, username: "ab" }),
        "username",
      );
      expect(await server.runtime.deps.stores.users.findByEmail(email)).toBeNull();
    });
  });

  describe("unknown routes", () => {
    it("answer 404 NOT_FOUND in the envelope", async () => {
      expectError(await server.get("/nope"), 404, "NOT_FOUND");
      expectError(await server.post("/auth/nope", {}), 404, "NOT_FOUND");
      expectError(await server.get("/auth/login"), 404, "NOT_FOUND");
      expectError(await server.get("/auth/register?token=secret"), 404, "NOT_FOUND");
    });
  });
});
