import { Type } from "typebox";
import type { App } from "../types.js";

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

// Readiness must answer quickly even when the database hangs: a probe has its own timeout.
const READY_TIMEOUT_MS = 1_500;

export function registerHealthRoutes(app: App, ping: () => Promise<void>): void {
  app.get(
    "/healthz",
    { schema: { tags: ["health"], summary: "The process is up", response: { 200: Health } } },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "The service can answer: the database is reachable",
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      const database = await withTimeout(ping(), READY_TIMEOUT_MS).then(
        () => "ok",
        (error: unknown) => {
          request.log.warn({ err: error }, "readiness: database unreachable");
          return "unreachable";
        },
      );
      if (database !== "ok") reply.code(503);
      return { status: database === "ok" ? "ok" : "unavailable", checks: { database } };
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
