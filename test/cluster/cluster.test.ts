import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode, type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.js";
import { type Cluster, startCluster } from "./cluster.js";

const run = promisify(execFile);
const PASSWORD = "cluster passphrase 7";
const redisUrl = process.env.TEST_REDIS_URL;
let counter = 0;
const email = (tag: string) => `${tag}-${process.pid}-${++counter}@cluster.test`;

describe.skipIf(!process.env.TEST_DATABASE_URL || !redisUrl)(
  "three instances on one PostgreSQL and Redis",
  () => {
    let cluster: Cluster;
    let smtp: SmtpCapture;

    beforeAll(async () => {
      smtp = await startSmtpCapture();
      cluster = await startCluster(3, {
        SMTP_URL: smtp.url,
        REDIS_URL: redisUrl ?? "",
        KEY_RELOAD_INTERVAL: "2s",
        // Only the per-account forgot limit is small: the test counts it across instances.
        RATE_LIMIT_FORGOT_ACCOUNT: "3/1h",
        RATE_LIMIT_FORGOT_IP: "10000/1h",
        RATE_LIMIT_REGISTER_IP: "10000/1h",
        RATE_LIMIT_LOGIN_IP: "10000/1m",
        RATE_LIMIT_VERIFY_IP: "10000/1m",
        RATE_LIMIT_RESEND_IP: "10000/1m",
      });
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
      await smtp?.close();
    }, 60_000);

    async function signedUp(tag: string, on = 0) {
      const address = email(tag);
      const registered = await cluster.post(on, "/auth/register", {
        email: address,
        password: PASSWORD,
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const mail = await smtp.waitForMail((m) => m.to.includes(address));
      return { address, userId: registered.body.userId as string, code: extractCode(mail) };
    }

    it("a code issued on one instance verifies on another", async () => {
      const user = await signedUp("code", 0);
      const verified = await cluster.post(1, "/auth/verify-email", {
        userId: user.userId,
        code: user.code,
      });
      expect(verified.status).toBe(200);
      expect(verified.body.user.status).toBe("active");
    });

    async function activeSession(tag: string) {
      const user = await signedUp(tag, 2);
      await cluster.post(2, "/auth/verify-email", { userId: user.userId, code: user.code });
      const login = await cluster.post(0, "/auth/login", {
        email: user.address,
        password: PASSWORD,
      });
      expect(login.status).toBe(200);
      return login.body as { accessToken: string; refreshToken: string };
    }

    it("a session made on one instance refreshes on another, and /auth/me works on the third", async () => {
      const session = await activeSession("session");
      const refreshed = await cluster.post(1, "/auth/refresh", {
        refreshToken: session.refreshToken,
      });
      expect(refreshed.status).toBe(200);
      const me = await cluster.get(2, "/auth/me", {
        authorization: `Bearer ${refreshed.body.accessToken}`,
      });
      expect(me.status).toBe(200);
    });

    it("reuse detected on one instance revokes the family everywhere", async () => {
      const session = await activeSession("reuse");
      const next = await cluster.post(0, "/auth/refresh", { refreshToken: session.refreshToken });
      expect(next.status).toBe(200);
      const reuse = await cluster.post(1, "/auth/refresh", { refreshToken: session.refreshToken });
      expect(reuse.status).toBe(401);
      const newest = await cluster.post(2, "/auth/refresh", {
        refreshToken: next.body.refreshToken,
      });
      expect(newest.status).toBe(401);
      expect(newest.body.code).toBe("INVALID_REFRESH_TOKEN");
    });

    it("20 concurrent refreshes of one token over the 3 instances: exactly one succeeds", async () => {
      const session = await activeSession("race");
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          cluster.post(i % 3, "/auth/refresh", { refreshToken: session.refreshToken }),
        ),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    });

    it("rate limits are shared: attempts spread over the instances trip the limit as on one", async () => {
      const user = await signedUp("limit", 0);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await cluster.post(i % 3, "/auth/forgot-password", { email: user.address })).status,
        );
      }
      // RATE_LIMIT_FORGOT_ACCOUNT=3/1h: three accepted, whichever instance took them.
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
    });

    it("a key rotated on one instance is served by all within the reload interval and verifies everywhere", async () => {
      const before = await cluster.get(0, "/.well-known/jwks.json");
      const oldKids = before.body.keys.map((k: { kid: string }) => k.kid);
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "src/cli/index.ts", "rotate-keys"],
        {
          env: { ...process.env, DATABASE_URL: cluster.databaseUrl, LOG_LEVEL: "warn" },
        },
      );
      const newKid = /([A-Za-z0-9_-]{43})/.exec(stdout)?.[1];
      expect(newKid).toBeDefined();
      expect(oldKids).not.toContain(newKid);

      const started = Date.now();
      for (const i of [0, 1, 2]) {
        await expect
          .poll(
            async () =>
              (await cluster.get(i, "/.well-known/jwks.json")).body.keys.map(
                (k: { kid: string }) => k.kid,
              ),
            {
              timeout: 10_000,
              interval: 200,
            },
          )
          .toContain(newKid);
      }
      const elapsed = Date.now() - started;
      console.log(`new key in every instance's JWKS after ${elapsed} ms (KEY_RELOAD_INTERVAL=2s)`);
      expect(elapsed).toBeLessThan(6_000);

      const session = await activeSession("rotated");
      expect(decodeProtectedHeader(session.accessToken).kid).toBe(newKid);
      for (const i of [0, 1, 2]) {
        const me = await cluster.get(i, "/auth/me", {
          authorization: `Bearer ${session.accessToken}`,
        });
        expect(me.status).toBe(200);
      }
    });
  },
);
