import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import type { Auth } from "../src/auth.js";
import { AccessDenied } from "../src/errors.js";
import { requireAuth as expressAuth } from "../src/express.js";
import { authOf, latchkeyAuth } from "../src/fastify.js";
import { type AuthOptions, createAuthenticator } from "../src/guard.js";
import { requireAuth as honoAuth } from "../src/hono.js";

/**
 * The same small API in each framework, guarded by its middleware:
 *   /notes      any valid token (Bearer only)
 *   /admin      role admin
 *   /sensitive  aal2
 *   /cookie     the token from Latchkey's accessToken cookie too
 *   /down       keys at an address where nothing listens
 * Each answers `{ auth }`.
 */
export interface GuardedApp {
  name: string;
  call(path: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the app sent.
  body: any;
}

export interface AppSetup {
  base: AuthOptions;
  /** A JWKS URL nobody answers. */
  deadJwksUrl: string;
}

const routes = ({ base, deadJwksUrl }: AppSetup): Record<string, AuthOptions> => ({
  "/notes": base,
  "/admin": { ...base, roles: "admin" },
  "/sensitive": { ...base, aal: "aal2" },
  "/cookie": { ...base, cookie: true },
  "/down": { ...base, jwksUrl: deadJwksUrl },
});

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: response.headers.get("content-type")?.startsWith("application/json")
      ? JSON.parse(text)
      : text,
  };
}

export async function expressApp(setup: AppSetup): Promise<GuardedApp> {
  const app = express();
  for (const [path, options] of Object.entries(routes(setup))) {
    app.get(path, expressAuth(options), (req, res) => {
      res.json({ auth: req.auth });
    });
  }
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: "express",
    call: async (path, headers = {}) => answer(await fetch(url + path, { headers })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function fastifyApp({ base, deadJwksUrl }: AppSetup): Promise<GuardedApp> {
  const app = Fastify();
  const reply = async (request: Parameters<typeof authOf>[0]) => ({ auth: authOf(request) });
  await app.register(async (scope) => {
    await scope.register(latchkeyAuth, base);
    scope.get("/notes", reply);
    scope.get("/admin", { config: { latchkey: { roles: "admin" } } }, reply);
    scope.get("/sensitive", { config: { latchkey: { aal: "aal2" } } }, reply);
    scope.get("/public", { config: { latchkey: false } }, async () => ({ public: true }));
  });
  await app.register(async (scope) => {
    await scope.register(latchkeyAuth, { ...base, cookie: true });
    scope.get("/cookie", reply);
  });
  await app.register(async (scope) => {
    await scope.register(latchkeyAuth, { ...base, jwksUrl: deadJwksUrl });
    scope.get("/down", reply);
  });

  await app.ready();
  return {
    name: "fastify",
    async call(path, headers = {}) {
      const res = await app.inject({ method: "GET", url: path, headers });
      const answerHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers))
        answerHeaders.set(name, String(value));
      const json = answerHeaders.get("content-type")?.startsWith("application/json");
      return { status: res.statusCode, headers: answerHeaders, body: json ? res.json() : res.body };
    },
    close: () => app.close(),
  };
}

export async function honoApp(setup: AppSetup): Promise<GuardedApp> {
  const app = new Hono();
  for (const [path, options] of Object.entries(routes(setup))) {
    app.get(path, honoAuth(options), (c) => c.json({ auth: c.get("auth") }));
  }
  return {
    name: "hono",
    call: async (path, headers = {}) => answer(await app.request(path, { headers })),
    close: async () => {},
  };
}

/** A bare `(request: Request) => Promise<Response>` handler, as Bun, Deno or Workers run. */
export async function webApp(setup: AppSetup): Promise<GuardedApp> {
  const authenticators = new Map(
    Object.entries(routes(setup)).map(([path, options]) => [path, createAuthenticator(options)]),
  );
  const handle = async (request: Request): Promise<Response> => {
    const authenticate = authenticators.get(new URL(request.url).pathname);
    if (!authenticate) return Response.json({ success: false }, { status: 404 });
    let auth: Auth;
    try {
      auth = await authenticate(request);
    } catch (error) {
      if (error instanceof AccessDenied) return error.toResponse();
      throw error;
    }
    return Response.json({ auth });
  };
  return {
    name: "web Request",
    call: async (path, headers = {}) =>
      answer(await handle(new Request(`http://api.example${path}`, { headers }))),
    close: async () => {},
  };
}

export const FRAMEWORKS = [expressApp, fastifyApp, honoApp, webApp];
