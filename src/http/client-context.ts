import type { FastifyRequest } from "fastify";
import type { ClientContext } from "../domain/client.js";

// User agents are free text from the client: keep what identifies a device, capped once
// here so no flow stores or lists more.
export const USER_AGENT_MAX_LENGTH = 512;

export function clientContext(request: FastifyRequest): ClientContext {
  const userAgent = request.headers["user-agent"];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === "string" ? userAgent.slice(0, USER_AGENT_MAX_LENGTH) : null,
  };
}
