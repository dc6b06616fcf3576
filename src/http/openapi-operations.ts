/**
 * What the OpenAPI document says about each operation beyond its route schema: a stable
 * operationId (generated clients name their methods after it) and every status it can
 * answer. Most statuses follow from what a route is, so they are rules, not lines:
 *
 * - every route: EVERY_ROUTE (an unreadable URL or query, such as a NUL byte, too slow a
 *   client, headers too large, service unavailable);
 * - a method that carries a body: BODY_METHODS' statuses (unreadable or too large a body,
 *   wrong media type, the cross-site cookie rule);
 * - a route with a body, query or path schema: 400 VALIDATION_FAILED;
 * - a signed-in route (schema.security): 401 and 403;
 * - a line below: its own extra statuses (429 of the rate limits, ...).
 *
 * Adding a route is one line in CORE_OPERATIONS, or in its sign-in method's operations; a status every route can answer is one number
 * in EVERY_ROUTE. test/http/openapi-statuses.test.ts fails on a route missing here, and
 * test/helpers/test-server.ts on any answer whose status the document does not list.
 */

/** Statuses any request can get, whatever its route. */
export const EVERY_ROUTE: readonly number[] = [400, 408, 431, 503];

/** Methods whose body is read (and limited, parsed, checked for CSRF) before the handler. */
export const BODY_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const BODY_STATUSES: readonly number[] = [400, 403, 413, 415];

/** The rate limits of src/limits/rate-limits.ts answer 429 RATE_LIMITED with Retry-After. */
export const LIMITED = [429];

/**
 * Said of a POST or DELETE that reads no body: a generated client that sends an empty
 * `application/json` body gets 400 INVALID_JSON, so the document says to send none.
 */
export const NO_BODY_NOTE = "Takes no request body: send none, and no Content-Type.";

export interface OperationEntry {
  operationId: string;
  /** Statuses the route's own schema does not list and the rules above do not cover. */
  answers?: readonly number[];
}

/** Keyed by "METHOD /path" as Fastify registers it (":param", not "{param}"). */
export type Operations = Readonly<Record<string, OperationEntry>>;

/** The routes of the core; each sign-in method lists its own (methods/sign-in-method.ts). */
export const CORE_OPERATIONS: Operations = {
  "GET /healthz": { operationId: "getLiveness" },
  "GET /readyz": { operationId: "getReadiness" },
  "GET /.well-known/jwks.json": { operationId: "getJwks" },

  "POST /auth/register": { operationId: "register", answers: LIMITED },
  "POST /auth/verify-email": { operationId: "verifyEmail", answers: LIMITED },
  "POST /auth/verify-email/resend": { operationId: "resendVerification", answers: LIMITED },
  "GET /auth/me": { operationId: "getMe" },
  "POST /auth/change-password": { operationId: "changePassword" },
  "POST /auth/refresh": { operationId: "refresh" },
  "POST /auth/logout": { operationId: "logout", answers: [401] },
  "POST /auth/logout-all": { operationId: "logoutAll" },
  "GET /auth/sessions": { operationId: "listSessions" },
  "DELETE /auth/sessions/:id": { operationId: "revokeSession" },

  "GET /admin/users": { operationId: "adminListUsers" },
  "GET /admin/users/:id": { operationId: "adminGetUser" },
  "PATCH /admin/users/:id": { operationId: "adminUpdateUser" },
  "DELETE /admin/users/:id": { operationId: "adminDeleteUser" },
  "POST /admin/users/:id/revoke-sessions": { operationId: "adminRevokeUserSessions" },
  "POST /admin/users/:id/send-reset": { operationId: "adminSendPasswordReset" },
  "GET /admin/audit-events": { operationId: "adminListAuditEvents" },
  "GET /admin/mail/dead": { operationId: "adminListDeadMail" },
  "GET /admin/stats": { operationId: "adminGetStats" },
  "POST /admin/mail/:id/requeue": { operationId: "adminRequeueMail" },
  "POST /admin/webhooks": { operationId: "adminCreateWebhook" },
  "GET /admin/webhooks": { operationId: "adminListWebhooks" },
  "GET /admin/webhooks/:id": { operationId: "adminGetWebhook" },
  "PATCH /admin/webhooks/:id": { operationId: "adminUpdateWebhook" },
  "DELETE /admin/webhooks/:id": { operationId: "adminDeleteWebhook" },
  "POST /admin/webhooks/:id/rotate-secret": { operationId: "adminRotateWebhookSecret" },
  "GET /admin/webhooks/:id/deliveries": { operationId: "adminListWebhookDeliveries" },
  "POST /admin/webhooks/:id/deliveries/:deliveryId/retry": {
    operationId: "adminRetryWebhookDelivery",
  },
  "POST /admin/webhooks/:id/test": { operationId: "adminTestWebhook" },

  // Deprecated aliases (routes/aliases.ts): the same answers as the route they alias.
  "POST /register": { operationId: "registerAlias", answers: LIMITED },
  "POST /api/auth/sign-up": { operationId: "signUpAlias", answers: LIMITED },
  "POST /api/auth/verify-code": { operationId: "verifyCodeAlias", answers: LIMITED },
};

export interface RouteFacts {
  method: string;
  url: string;
  /** Statuses the route schema lists itself. */
  listed: readonly number[];
  hasInput: boolean;
  signedIn: boolean;
}

/** Every status the route can answer, in ascending order. */
export function statusesOf(route: RouteFacts, operations: Operations): number[] {
  const all = new Set<number>([...route.listed, ...EVERY_ROUTE]);
  if (BODY_METHODS.has(route.method)) for (const status of BODY_STATUSES) all.add(status);
  if (route.hasInput) all.add(400);
  if (route.signedIn) {
    all.add(401);
    all.add(403);
  }
  for (const status of operations[operationKey(route.method, route.url)]?.answers ?? []) {
    all.add(status);
  }
  return [...all].sort((a, b) => a - b);
}

export function operationKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/**
 * The table's operationId; a route not in the table still gets a unique one (from its
 * method and path) so the document stays valid, and the statuses test names the gap.
 */
export function operationIdOf(method: string, url: string, operations: Operations): string {
  const listed = operations[operationKey(method, url)]?.operationId;
  if (listed) return listed;
  const words = `${method} ${url}`
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]?.toUpperCase() + word.slice(1))).join("");
}
