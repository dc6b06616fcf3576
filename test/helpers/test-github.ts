import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The GitHub user the next sign-in is. */
export interface GithubAccount {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

export interface TestGithub {
  /** Its base URL, as OAUTH_GITHUB_ISSUER (a GitHub Enterprise Server's: the API at /api/v3). */
  url: string;
  clientId: string;
  clientSecret: string;
  account: GithubAccount;
  close(): Promise<void>;
}

/**
 * A small double of GitHub's OAuth 2.0 endpoints and the two REST calls Latchkey makes:
 * authorize (signs `account` in at once), the token endpoint (checks the client, the code
 * and the PKCE S256 verifier), GET /user and GET /user/emails.
 */
export async function startTestGithub(): Promise<TestGithub> {
  const codes = new Map<string, { challenge: string | null; account: GithubAccount }>();
  const tokens = new Map<string, GithubAccount>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const github: TestGithub = {
    url,
    clientId: "gh-client",
    clientSecret: "gh-secret",
    account: { id: 1, login: "octo", name: "Octo", emails: [] },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const at = new URL(req.url ?? "/", url);
    if (at.pathname === "/login/oauth/authorize") {
      const code = randomBytes(8).toString("hex");
      codes.set(code, {
        challenge: at.searchParams.get("code_challenge"),
        account: github.account,
      });
      const back = new URL(at.searchParams.get("redirect_uri") ?? "");
      back.searchParams.set("code", code);
      back.searchParams.set("state", at.searchParams.get("state") ?? "");
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (at.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const form = new URLSearchParams(await body(req));
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const s256 = createHash("sha256").update(verifier).digest("base64url");
      const client =
        form.get("client_id") === github.clientId &&
        form.get("client_secret") === github.clientSecret;
      if (!grant || !client || (grant.challenge !== null && grant.challenge !== s256)) {
        return send(res, 400, { error: "bad_verification_code" });
      }
      const token = `gho_${randomBytes(12).toString("hex")}`;
      tokens.set(token, grant.account);
      return send(res, 200, {
        access_token: token,
        token_type: "bearer",
        scope: "read:user,user:email",
      });
    }
    const who = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!who) return send(res, 401, { message: "Bad credentials" });
    if (at.pathname === "/api/v3/user")
      return send(res, 200, { id: who.id, login: who.login, name: who.name });
    if (at.pathname === "/api/v3/user/emails") return send(res, 200, who.emails);
    return send(res, 404, { message: "Not Found" });
  }
  return github;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
