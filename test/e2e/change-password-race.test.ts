import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectFieldError,
  loginOk,
  mailsTo,
  PASSWORD,
  registerUnverified,
  settleMail,
} from "./support.js";

describeEachStore("change-password is one compare-and-swap", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { REQUIRE_EMAIL_VERIFICATION: "false" } });
  });
  afterAll(() => server?.close());

  async function signedIn(tag: string): Promise<{ email: string; res: JsonResponse }> {
    const { email } = await registerUnverified(server, tag);
    return { email, res: await loginOk(server, email) };
  }

  const changedMails = (email: string) =>
    mailsTo(server, email).filter((m) => /password was changed/i.test(m.subject));

  it("20 concurrent changes from one password: exactly one wins, one mail", async () => {
    const { email, res } = await signedIn("race");
    const headers = { authorization: `Bearer ${res.body.accessToken}` };
    const candidates = Array.from({ length: 20 }, (_, i) => `racing passphrase number ${i}`);

    const answers = await Promise.all(
      candidates.map((newPassword) =>
        server.post("/auth/change-password", { currentPassword: PASSWORD, newPassword }, headers),
      ),
    );

    const winners = answers.flatMap((answer, i) => (answer.status === 200 ? [i] : []));
    expect(winners, answers.map((a) => a.status).join(",")).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status !== 200) expectError(answer, 401, "INVALID_CREDENTIALS");
    }
    await settleMail(server);
    expect(changedMails(email)).toHaveLength(1);

    // The winner's password is the one that stands; every loser's is not.
    const winner = candidates[winners[0] ?? -1] ?? "";
    await loginOk(server, email, winner);
    const loser = candidates.find((candidate) => candidate !== winner) ?? "";
    expectError(
      await server.post("/auth/login", { email, password: loser }),
      401,
      "INVALID_CREDENTIALS",
    );
  });

  it("refuses a new password equal to the current one, changing nothing", async () => {
    const { email, res } = await signedIn("same");
    const other = await loginOk(server, email);
    const answer = await server.post(
      "/auth/change-password",
      // NFKC makes the full-width form the same password.
      { currentPassword: PASSWORD, newPassword: PASSWORD.replace("c", "\uff43") },
      { authorization: `Bearer ${res.body.accessToken}` },
    );
    expectFieldError(answer, "newPassword");
    const alive = await server.post("/auth/refresh", { refreshToken: other.body.refreshToken });
    expect(alive.status, JSON.stringify(alive.body)).toBe(200);
    await settleMail(server);
    expect(changedMails(email)).toHaveLength(0);
  });
});
