/**
 * The shape of one declared variable. Each variable is declared once, in vars/<group>.ts:
 * loadConfig validates with the declaration, the README table is generated from it, and
 * Config's type is derived from it (config.ts).
 */

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** The README's sections, in this order. */
export const GROUPS = {
  server: "Server",
  database: "Database and files",
  tokens: "Tokens and signing keys",
  accounts: "Accounts and codes",
  passwords: "Passwords",
  mail: "Mail",
  security: "Security",
  passkeys: "Passkeys (WebAuthn)",
  oauth: "Sign-in with other providers",
  webhooks: "Webhooks",
  "rate limits": "Rate limits",
  metrics: "Metrics",
  pages: "Hosted pages and branding",
  "runtime tuning": "Runtime tuning",
} as const;

export type Group = keyof typeof GROUPS;

/** What the README shows of a setting. */
export interface DocumentedVar {
  readonly name: string;
  /** Other names accepted for it; when both are set, `name` wins. */
  readonly aliases: readonly string[];
  readonly group: Group;
  /** What an unset variable means, as shown to operators. */
  readonly default: string;
  readonly description: string;
}

interface EnvVarFields<T> extends DocumentedVar {
  /** The Config field it fills. */
  readonly key: string;
  /** Turns a non-empty raw value into the typed value, or says what is wrong (never echoing a secret). */
  readonly parse: (raw: string) => Parsed<T>;
}

/** Unset means this raw value, parsed like any other. */
export interface DefaultedEnvVar<T = unknown> extends EnvVarFields<T> {
  readonly fallback: string;
}

/** Unset means undefined, or a value loadConfig derives from another variable. */
export interface OptionalEnvVar<T = unknown> extends EnvVarFields<T> {
  readonly fallback?: undefined;
}

export type EnvVar<T = unknown> = DefaultedEnvVar<T> | OptionalEnvVar<T>;

type ValueOf<V> = V extends { readonly parse: (raw: string) => Parsed<infer T> } ? T : never;

/** The fields a list of declarations fills: `key` -> parsed type, `| undefined` without a fallback. */
export type ConfigOf<V extends EnvVar> = {
  readonly [E in V as E["key"]]: E extends { readonly fallback: string }
    ? ValueOf<E>
    : ValueOf<E> | undefined;
};

/** The declarations keyed by variable name. */
export type SchemaOf<V extends EnvVar> = { readonly [E in V as E["name"]]: E };

export function schemaOf<const V extends EnvVar>(vars: readonly V[]): SchemaOf<V> {
  return Object.fromEntries(vars.map((spec) => [spec.name, spec])) as SchemaOf<V>;
}
