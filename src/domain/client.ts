/** Where a request came from, recorded on sessions and in the audit trail. */
export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

/** The key rate limits count a client under. */
export function clientIp(client: ClientContext): string {
  return client.ip ?? "unknown";
}
