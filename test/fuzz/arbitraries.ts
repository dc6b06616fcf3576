import fc from "fast-check";

/**
 * Generators for the route fuzzer: hostile request bodies, query strings, path segments
 * and credentials. Each request is plain data (method, url, headers, payload), so a
 * failing case prints as something that can be replayed with curl.
 */

export interface FuzzRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Fastify's pattern: `:name` marks a path parameter. */
  path: string;
  /** The real field names of the JSON body. */
  fields: readonly string[];
  /** The real query-string names. */
  query: readonly string[];
  /** false for health, JWKS and the OpenAPI document: plain JSON of their own shapes. */
  envelope: boolean;
  /** The answer is HTML (/docs): only the status is checked. */
  html?: boolean;
  /** It sends the browser on (a provider's authorize and callback): a 3xx is its answer. */
  redirect?: boolean;
}

/** Live values from the server under test, so some requests reach the handlers' happy paths. */
export interface FuzzContext {
  emails: readonly string[];
  passwords: readonly string[];
  userIds: readonly string[];
  refreshTokens: readonly string[];
  userAccessToken: string;
  adminAccessToken: string;
}

export type AuthMode =
  | "none"
  | "user-bearer"
  | "admin-bearer"
  | "garbage-bearer"
  | "malformed-authorization"
  | "user-cookie"
  | "admin-cookie"
  | "cookie-cross-site"
  | "garbage-cookie";

export interface FuzzRequest {
  method: FuzzRoute["method"];
  url: string;
  headers: Record<string, string>;
  /** undefined: no body at all. */
  payload: string | Buffer | undefined;
}

const MAX_HTTP_URL = 8_000;

export interface RequestOptions {
  /** Path segments and query values up to 10,000 characters; false keeps URLs under Node's header limit. */
  longUrls: boolean;
}

// ---------------------------------------------------------------------------------------
// Values

/** Exactly `length` characters, built by repeating a short (possibly astral) unit. */
export function longString(minLength = 257, maxLength = 10_000): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom("a", "é", "😀", "\u0000", "\ud800", "%", "\\", '"', "0"),
        fc.string({ unit: "binary", minLength: 1, maxLength: 6 }),
      ),
      fc.integer({ min: minLength, max: maxLength }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
}

/** Full Unicode, lone surrogates, bidi controls, zero-width and combining marks. */
export const unicodeString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 32 }),
  fc.string({
    unit: fc.constantFrom(
      "\ud800",
      "\udfff",
      "\u0000",
      "\u202e",
      "\u200b",
      "\ufeff",
      "\u0301",
      "\u2028",
      "ﬀ",
      "Ⅻ",
      "𝐀",
      "İ",
      "ß",
    ),
    maxLength: 16,
  }),
);

const CONTROL_CHARS = [
  "\u0000",
  "\u0001",
  "\t",
  "\n",
  "\r\n",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u202e",
  "\u200b",
  "\ufeff",
];

/** A plausible address with a control character spliced in somewhere. */
export const emailWithControlChars: fc.Arbitrary<string> = fc
  .tuple(fc.emailAddress(), fc.constantFrom(...CONTROL_CHARS), fc.nat())
  .map(([email, control, at]) => {
    const i = at % (email.length + 1);
    return email.slice(0, i) + control + email.slice(i);
  });

/** Everything a string field should not hold. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -0, 123456),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constant({}),
  fc.constant([]),
  fc.constant([""]),
);

const digits6 = fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0"));
const base64url = fc
  .base64String({ minLength: 4, maxLength: 64 })
  .map((s) => s.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ""));

/** A value that looks right for the field, so requests get past the schema into the domain. */
function plausible(field: string, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const text = fc.string({ maxLength: 40 });
  const known = <T>(values: readonly T[], fallback: fc.Arbitrary<T>) =>
    values.length > 0 ? fc.oneof(fc.constantFrom(...values), fallback) : fallback;
  switch (field) {
    case "email":
      return fc.oneof(
        fc.emailAddress(),
        known(ctx.emails, fc.emailAddress()),
        fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
        emailWithControlChars,
        fc.constantFrom('"quoted"@example.com', "a@b", "@x.test", "x@", "a@-b.test", "a..b@x.test"),
      );
    case "password":
    case "newPassword":
    case "currentPassword":
    case "confirmPassword":
      return fc.oneof(
        fc.string({ minLength: 8, maxLength: 40 }),
        known(ctx.passwords, text),
        fc.constantFrom("password", "12345678", "ﬀﬀﬀﬀﬀﬀﬀﬀ", ""),
        longString(250, 300),
      );
    case "code":
      return fc.oneof(digits6, fc.constantFrom("000000", "１２３４５６", " 123456", "12345"), text);
    case "token":
    case "refreshToken":
      return fc.oneof(base64url, known(ctx.refreshTokens, base64url), text);
    case "userId":
    case "id":
    case "cursor":
      return fc.oneof(fc.uuid(), known(ctx.userIds, fc.uuid()), base64url, text);
    case "method":
      return fc.constantFrom("link", "code", "LINK", "", "sms");
    case "username":
      return fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{1,12}[a-z0-9]$/), text);
    case "status":
      return fc.constantFrom("pending", "active", "blocked", "deleted", "");
    case "role":
      return fc.constantFrom("user", "admin", "root", "ADMIN");
    case "limit":
      return fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), text);
    default:
      return text;
  }
}

/** A field's value: often plausible, often the wrong type, sometimes huge or strange. */
function fieldValue(field: string, ctx: FuzzContext): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: plausible(field, ctx) },
    { weight: 3, arbitrary: wrongType },
    { weight: 1, arbitrary: longString() },
    { weight: 2, arbitrary: unicodeString },
    { weight: 1, arbitrary: emailWithControlChars },
  );
}

// ---------------------------------------------------------------------------------------
// Bodies

const POISON_KEYS = [
  '"__proto__":{"role":"admin","isAdmin":true}',
  '"__proto__":null',
  '"constructor":{"prototype":{"role":"admin"}}',
  '"constructor":"x"',
  '"prototype":{"polluted":true}',
  '"__proto__":[]',
  '"constructor":{"prototype":null}',
  '"hasOwnProperty":1',
  '"toString":"x"',
];

/** `{...}` with a poisonous key added as raw text: JSON.stringify would drop __proto__. */
function withPoisonKey(object: Record<string, unknown>, poison: string, nested: boolean): string {
  const json = JSON.stringify(object);
  const inner = json.length > 2 ? `${json.slice(0, -1)},${poison}}` : `{${poison}}`;
  return nested ? `{"data":${inner},${poison}}` : inner;
}

function deeplyNested(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

function fieldsObject(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<Record<string, unknown>> {
  const known = Object.fromEntries(route.fields.map((f) => [f, fieldValue(f, ctx)]));
  return fc
    .tuple(
      fc.record(known, { requiredKeys: [] }),
      fc.dictionary(
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("role", "isAdmin", "id", "status")),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 2 },
      ),
      fc.boolean(),
    )
    .map(([fields, extra, addExtra]) => (addExtra ? { ...extra, ...fields } : fields));
}

type Payload = string | Buffer | undefined;

export function bodyArbitrary(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<Payload> {
  const fields = fieldsObject(route, ctx);
  return fc.oneof(
    // The route's real field names holding good, wrong-typed, long and strange values.
    { weight: 8, arbitrary: fields.map((o) => JSON.stringify(o)) },
    // Only plausible values: these get past the schema and exercise the domain.
    {
      weight: 4,
      arbitrary: fc
        .record(Object.fromEntries(route.fields.map((f) => [f, plausible(f, ctx)])), {
          requiredKeys: [],
        })
        .map((o) => JSON.stringify(o)),
    },
    // Any JSON at all: numbers, strings, null, arrays, objects of any shape.
    { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fields, fc.constantFrom(...POISON_KEYS), fc.boolean())
        .map(([o, poison, nested]) => withPoisonKey(o, poison, nested)),
    },
    // Not JSON: random text, a truncated object, random bytes (invalid UTF-8 included).
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fields, fc.nat()).map(([o, cut]) => {
        const json = JSON.stringify(o);
        return json.slice(0, cut % Math.max(json.length, 1));
      }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1, max: 5_000 }),
          fc.constantFrom("array", "object") as fc.Arbitrary<"array" | "object">,
        )
        .map(([depth, kind]) => deeplyNested(depth, kind)),
    },
    { weight: 1, arbitrary: fc.constantFrom<Payload>(undefined, "", "null", "{}", "[]", '""') },
  );
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
];

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

// ---------------------------------------------------------------------------------------
// URLs

function pathSegment(ctx: FuzzContext, options: RequestOptions): fc.Arbitrary<string> {
  const long = options.longUrls ? longString(101, 10_000) : longString(101, 1_200);
  return fc.oneof(
    fc.uuid().map(encodeSegment),
    known(ctx.userIds).map(encodeSegment),
    base64url,
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).map(encodeSegment),
    long.map(encodeSegment),
    fc.constantFrom(
      "%00",
      "%zz",
      "%E0%A4%A",
      "..",
      "%2e%2e",
      "%2F",
      "null",
      "__proto__",
      "constructor",
    ),
  );
}

/** encodeURIComponent, except that lone surrogates (which it refuses) become U+FFFD's bytes. */
export function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, "utf8")]
      .map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`)
      .join("");
  }
}

function known(values: readonly string[]): fc.Arbitrary<string> {
  return values.length > 0 ? fc.constantFrom(...values) : fc.uuid();
}

function queryString(route: FuzzRoute, ctx: FuzzContext, options: RequestOptions) {
  const key = fc.oneof(
    ...(route.query.length > 0 ? [fc.constantFrom(...route.query)] : []),
    fc.constantFrom("token", "code", "__proto__", "constructor", "prototype", "a[b]", "limit"),
    fc.string({ maxLength: 10 }),
  );
  const value = fc.oneof(
    { weight: 4, arbitrary: plausible("token", ctx).map(String) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom("1", "50", "100", "0", "-1", "101", "active", "admin"),
    },
    { weight: 1, arbitrary: options.longUrls ? longString(257, 10_000) : longString(257, 2_000) },
  );
  const pairs = fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((list) => list.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant("") },
    { weight: 6, arbitrary: pairs.map((list) => (list.length ? `?${list.join("&")}` : "")) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "?",
        "?&&",
        "?=",
        "?%zz=1",
        "?token",
        "?token=a&token=b",
        "?a=%E0%A4%A",
      ),
    },
  );
}

// ---------------------------------------------------------------------------------------
// Credentials and the request

export const authMode: fc.Arbitrary<AuthMode> = fc.constantFrom(
  "none",
  "none",
  "user-bearer",
  "admin-bearer",
  "garbage-bearer",
  "malformed-authorization",
  "user-cookie",
  "admin-cookie",
  "cookie-cross-site",
  "garbage-cookie",
);

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
});

export function authHeaders(
  mode: AuthMode,
  ctx: FuzzContext,
  junk: string,
): Record<string, string> {
  const refresh = ctx.refreshTokens[0] ?? "none";
  switch (mode) {
    case "none":
      return {};
    case "user-bearer":
      return { authorization: `Bearer ${ctx.userAccessToken}` };
    case "admin-bearer":
      return { authorization: `Bearer ${ctx.adminAccessToken}` };
    case "garbage-bearer":
      return { authorization: `Bearer ${junk.replaceAll(" ", "") || "x"}` };
    case "malformed-authorization":
      return { authorization: junk };
    case "user-cookie":
      return { cookie: `accessToken=${ctx.userAccessToken}; refreshToken=${refresh}` };
    case "admin-cookie":
      return { cookie: `accessToken=${ctx.adminAccessToken}` };
    case "cookie-cross-site":
      return {
        cookie: `accessToken=${ctx.userAccessToken}; refreshToken=${refresh}`,
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      };
    case "garbage-cookie":
      return {
        cookie: `accessToken=${encodeURIComponent(junk)}; refreshToken=${encodeURIComponent(junk)}`,
      };
  }
}

export function requestArbitrary(
  route: FuzzRoute,
  ctx: FuzzContext,
  options: RequestOptions,
): fc.Arbitrary<FuzzRequest> {
  const hasBody = route.method !== "GET";
  const path = route.path
    .split("/")
    .map((part) => (part.startsWith(":") ? pathSegment(ctx, options) : fc.constant(part)));
  return fc
    .record({
      segments: fc.tuple(...path),
      query: queryString(route, ctx, options),
      payload: hasBody ? bodyArbitrary(route, ctx) : fc.constant(undefined),
      contentType: hasBody ? contentType : fc.constant(undefined),
      auth: authMode,
      junk: printable.map((s) => s.slice(0, 200)),
      userAgent: fc.option(printable, { nil: undefined }),
    })
    .map(({ segments, query, payload, contentType: type, auth, junk, userAgent }) => {
      const headers: Record<string, string> = authHeaders(auth, ctx, junk);
      if (type !== undefined && payload !== undefined) headers["content-type"] = type;
      if (userAgent !== undefined) headers["user-agent"] = userAgent;
      const pathPart = segments.join("/");
      // Node refuses request heads over 16 KiB (431) before Latchkey sees them.
      const url =
        options.longUrls || (pathPart + query).length <= MAX_HTTP_URL ? pathPart + query : pathPart;
      return { method: route.method, url, headers, payload };
    });
}
