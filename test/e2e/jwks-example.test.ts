import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier } from "../../examples/verify-access-token.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

// The README's example of verifying tokens in another service, against a real server.
describe("examples/verify-access-token.ts", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: {
        REQUIRE_EMAIL_VERIFICATION: "false",
        ACCESS_TOKEN_AUDIENCE: "https://orders.example.com, https://billing.example.com",
      },
    });
  });
  afterAll(() => server?.close());

  it("verifies an access token with the JWKS alone, and refuses forgeries", async () => {
    const registered = await server.post("/auth/register", {
      email: "example-reader@example.com",
      password: "an example passphrase",
    });
    expect(registered.status).toBe(201);
    const { publicUrl } = server.runtime.deps.config;
    // Each service checks that it is one of the token's audiences.
    const verify = createVerifier(server.url, "https://billing.example.com", publicUrl);

    const claims = await verify(registered.body.accessToken);
    expect(claims).toEqual({
      sub: registered.body.userId,
      email: "example-reader@example.com",
      role: "user",
      sid: expect.any(String),
      aal: "aal1",
      amr: ["pwd"],
      exp: expect.any(Number),
    });

    // A service that is not the token's audience refuses it.
    const elsewhere = createVerifier(server.url, "https://other-service.example", publicUrl);
    await expect(elsewhere(registered.body.accessToken)).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
      cause: { claim: "aud" },
    });

    const [header, payload] = registered.body.accessToken.split(".");
    await expect(verify(`${header}.${payload}.AAAA`)).rejects.toThrow();
    const hs256 = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .setIssuer(server.runtime.deps.config.publicUrl)
      .sign(new TextEncoder().encode("x".repeat(32)));
    await expect(verify(hs256)).rejects.toThrow();
  });
});
