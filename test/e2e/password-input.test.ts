import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectFieldError, loginOk, PASSWORD, registerActive, uniqueEmail } from "./support.js";

/** The API reference (README): passwords are NFKC-normalised, counted in code points, 8 to 256 of them. */
describeEachStore("password input rules", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  describe("too long: refused before any hashing", () => {
    let spies: MockInstance[] = [];
    beforeAll(() => {
      const { hasher } = server.runtime.deps;
      spies = [
        vi.spyOn(hasher, "hash"),
        vi.spyOn(hasher, "verify"),
        vi.spyOn(hasher, "verifyDummy"),
      ];
    });
    afterEach(() => {
      for (const spy of spies) spy.mockClear();
    });
    afterAll(() => {
      for (const spy of spies) spy.mockRestore();
    });
    const hashingCalls = () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0);

    it("a 10,000-character password: register and login answer 400 naming the field, no hash computed", async () => {
      const huge = "p".repeat(10_000);
      const email = uniqueEmail("huge");
      expectFieldError(await server.post("/auth/register", { email, password: huge }), "password");
      expectFieldError(await server.post("/auth/login", { email, password: huge }), "password");
      expect(hashingCalls()).toBe(0);
      expect(await server.runtime.deps.stores.users.findByEmail(email)).toBeNull();
    });

    // Issue 13 item 6: a body over the auth routes' 16 KiB is refused before it is parsed.
    it("a 100,000-character password: 413 PAYLOAD_TOO_LARGE before parsing, no hash computed", async () => {
      const email = uniqueEmail("huger");
      for (const path of ["/auth/register", "/auth/login"]) {
        const res = await server.post(path, { email, password: "p".repeat(100_000) });
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
      }
      expect(hashingCalls()).toBe(0);
      expect(await server.runtime.deps.stores.users.findByEmail(email)).toBeNull();
    });

    it("257 and 1,000 code points: 400 'at most 256', no hash computed", async () => {
      for (const password of ["a".repeat(257), "a".repeat(1_000), "😀".repeat(257)]) {
        for (const path of ["/auth/register", "/auth/login"]) {
          const res = await server.post(path, { email: uniqueEmail("long"), password });
          expectFieldError(res, "password");
          expect(res.body.errors[0].message).toMatch(/at most 256/);
        }
      }
      expect(hashingCalls()).toBe(0);
    });

    // Regression, fixed: the schema's generous cap (maxLength 4096) answered first with
    // Ajv's "must NOT have more than 4096 characters", a limit that is not the contract's.
    it("a 10,000-character password is refused with the contract's limit (256) in the message", async () => {
      const res = await server.post("/auth/register", {
        email: uniqueEmail("huge-msg"),
        password: "p".repeat(10_000),
      });
      expectFieldError(res, "password");
      expect(res.body.errors[0].message).toMatch(/at most 256/);
    });
  });

  describe("lengths", () => {
    it("7 characters: 400 'at least 8'; 8 characters: 201", async () => {
      const res = await server.post("/auth/register", {
        email: uniqueEmail("short"),
        password: "tulipoa",
      });
      expectFieldError(res, "password");
      expect(res.body.errors[0].message).toMatch(/at least 8/);
      const ok = await server.post("/auth/register", {
        email: uniqueEmail("eight"),
        password: "tulipoak",
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });

    it("7 code points made of 14 UTF-16 units is still too short", async () => {
      const res = await server.post("/auth/register", {
        email: uniqueEmail("emoji7"),
        password: "😀".repeat(7),
      });
      expectFieldError(res, "password");
    });

    it("256 code points (ASCII, and emoji of two UTF-16 units each) register and sign in", async () => {
      for (const password of ["b".repeat(256), "😀".repeat(256)]) {
        const { email } = await registerActive(server, "pw", { password });
        await loginOk(server, email, password);
      }
    });

    it("no composition rules: lower case only, digits only, spaces inside, any script", async () => {
      for (const password of [
        "quietlanternmoss",
        "90817263544536",
        "tea at four ✓",
        "пароль для входа",
      ]) {
        const res = await server.post("/auth/register", { email: uniqueEmail("rules"), password });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    });
  });

  describe("NFKC", () => {
    it("registered with the ﬁ ligature (U+FB01), signs in with plain 'fi' and with the ligature", async () => {
      const { email } = await registerActive(server, "pw", { password: "ﬁnancial secrets" });
      await loginOk(server, email, "financial secrets");
      await loginOk(server, email, "ﬁnancial secrets");
    });

    it("registered with full-width digits, signs in with ASCII digits", async () => {
      const { email } = await registerActive(server, "pw", { password: "ｐｉｎ１２３４５６７８" });
      await loginOk(server, email, "pin12345678");
    });

    it("a different password is still refused", async () => {
      const { email } = await registerActive(server, "pw", { password: PASSWORD });
      const res = await server.post("/auth/login", { email, password: `${PASSWORD}!` });
      expect(res.status).toBe(401);
    });
  });
});
