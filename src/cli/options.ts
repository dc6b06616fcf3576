import { isUserId, normalizeEmail } from "../domain/input-rules.js";
import type { Stores, UserRecord } from "../storage/ports.js";
import { CliUsageError, type OptionValues } from "./usage.js";

/** Reading parsed options: every problem is a CliUsageError, printed as one line. */

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function requiredOption(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined) throw new CliUsageError(`missing --${name}`);
  return value;
}

export function flagOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function choiceOption<T extends string>(
  values: OptionValues,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const found = allowed.find((choice) => choice === value.trim().toLowerCase());
  if (!found) {
    throw new CliUsageError(`--${name} must be ${orList(allowed)}, not ${JSON.stringify(value)}`);
  }
  return found;
}

export function positiveIntOption(values: OptionValues, name: string): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const number = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new CliUsageError(
      `--${name} must be a positive whole number, not ${JSON.stringify(value)}`,
    );
  }
  return number;
}

export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) {
    throw new CliUsageError(
      `${command} takes no arguments besides options, got ${JSON.stringify(positionals[0])}`,
    );
  }
}

export { USER_ROLES as ROLES, USER_STATUSES as STATUSES } from "../domain/vocabulary.js";

/** A user named on the command line: by --email or by --id, exactly one of them. */
export type UserRef = { email: string } | { id: string };

export function userRefOption(values: OptionValues): UserRef {
  const email = stringOption(values, "email");
  const id = stringOption(values, "id");
  if (email !== undefined && id !== undefined) {
    throw new CliUsageError("give --email or --id, not both");
  }
  if (id !== undefined) {
    if (!isUserId(id.trim()))
      throw new CliUsageError(`--id must be a user id (a UUID), not ${JSON.stringify(id)}`);
    return { id: id.trim().toLowerCase() };
  }
  if (email === undefined) throw new CliUsageError("missing --email (or --id)");
  const normalized = normalizeEmail(email);
  if (!normalized.ok) throw new CliUsageError(`--email: ${normalized.message}`);
  return { email: normalized.value };
}

export async function findUser(stores: Stores, ref: UserRef): Promise<UserRecord> {
  const user =
    "id" in ref ? await stores.users.findById(ref.id) : await stores.users.findByEmail(ref.email);
  if (!user) {
    throw new CliUsageError(
      "id" in ref ? `no user with id ${ref.id}` : `no user with email ${ref.email}`,
    );
  }
  return user;
}

function orList(choices: readonly string[]): string {
  const quoted = choices.map((choice) => `"${choice}"`);
  return quoted.length < 2
    ? (quoted[0] ?? "")
    : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
