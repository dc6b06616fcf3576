import type { FastifyRequest } from "fastify";
import type { ClientContext } from "../domain/deps.js";

export function clientContext(request: FastifyRequest): ClientContext {
  const userAgent = request.headers["user-agent"];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === "string" ? userAgent : null };
}
