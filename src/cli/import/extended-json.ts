/**
 * MongoDB Extended JSON (v2, canonical and relaxed, plus the v1 forms older mongoexport
 * wrote) turned into plain values. Pure: no I/O, no database.
 * https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/
 */

/** An ObjectId as mongoexport writes it: `{"$oid": "<24 hex digits>"}`. */
export class ObjectId {
  constructor(readonly hex: string) {}

  /** ObjectIds start with their creation time in seconds: a createdAt for records without one. */
  get timestamp(): Date {
    return new Date(Number.parseInt(this.hex.slice(0, 8), 16) * 1000);
  }

  toString(): string {
    return this.hex;
  }
}

export class ExtendedJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExtendedJsonError";
  }
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const INTEGER = /^-?[0-9]+$/;

/**
 * Replaces `{"$oid"}` by an ObjectId, `{"$date"}` by a Date and the `$number…` wrappers by
 * numbers, at any depth. Other objects, `$` wrappers included, are copied as they are.
 * Throws ExtendedJsonError for a wrapper whose content is malformed.
 */
export function decodeExtendedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeExtendedJson);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only && only[0].startsWith("$")) {
    const decoded = decodeWrapper(only[0], only[1]);
    if (decoded !== NOT_A_WRAPPER) return decoded;
  }
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(entries.map(([key, inner]) => [key, decodeExtendedJson(inner)]));
}

const NOT_A_WRAPPER = Symbol("not a wrapper");

function decodeWrapper(key: string, inner: unknown): unknown {
  switch (key) {
    case "$oid":
      if (typeof inner === "string" && OBJECT_ID.test(inner))
        return new ObjectId(inner.toLowerCase());
      throw new ExtendedJsonError(`$oid must be 24 hex digits, not ${preview(inner)}`);
    case "$date":
      return decodeDate(inner);
    case "$numberInt":
    case "$numberLong":
      if (typeof inner === "string" && INTEGER.test(inner)) return Number(inner);
      throw new ExtendedJsonError(`${key} must be an integer string, not ${preview(inner)}`);
    case "$numberDouble":
    case "$numberDecimal": {
      const number = typeof inner === "string" ? Number(inner) : Number.NaN;
      if (typeof inner === "string" && (!Number.isNaN(number) || inner === "NaN")) return number;
      throw new ExtendedJsonError(`${key} must be a number string, not ${preview(inner)}`);
    }
    case "$uuid":
      if (typeof inner === "string") return inner.toLowerCase();
      throw new ExtendedJsonError(`$uuid must be a string, not ${preview(inner)}`);
    case "$symbol":
      if (typeof inner === "string") return inner;
      throw new ExtendedJsonError(`$symbol must be a string, not ${preview(inner)}`);
    default:
      return NOT_A_WRAPPER;
  }
}

/**
 * Relaxed: an ISO-8601 string. Canonical: `{"$numberLong": "<ms since 1970>"}`. Version 1
 * (mongoexport before 4.2): a bare number of milliseconds, or ISO with a `+0000` offset.
 */
function decodeDate(inner: unknown): Date {
  let millis: number;
  if (typeof inner === "string") {
    millis = Date.parse(inner);
  } else if (typeof inner === "number") {
    millis = inner;
  } else if (
    inner !== null &&
    typeof inner === "object" &&
    "$numberLong" in inner &&
    typeof inner.$numberLong === "string" &&
    INTEGER.test(inner.$numberLong)
  ) {
    millis = Number(inner.$numberLong);
  } else {
    throw new ExtendedJsonError(
      `$date must be an ISO date, milliseconds or $numberLong, not ${preview(inner)}`,
    );
  }
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) {
    throw new ExtendedJsonError(`$date is not a valid date: ${preview(inner)}`);
  }
  return date;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
