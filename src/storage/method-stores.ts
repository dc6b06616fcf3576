import type { Kysely } from "kysely";
import type { MethodStores } from "./ports.js";
import type { Database } from "./schema.js";

/**
 * How a method's store is made over a Kysely handle (which may be a transaction). Its
 * tables are not in Database: the store names them with `db.withTables<ItsTables>()`.
 */
export type MethodStoreFactories = {
  readonly [K in keyof MethodStores]?: (db: Kysely<Database>) => MethodStores[K];
};

/**
 * A method's batching decorators (storage/batching.ts), applied in the composition root:
 * each takes its store and answers one that keeps its interface.
 */
export type MethodStoreBatching = {
  readonly [K in keyof MethodStores]?: (store: MethodStores[K]) => MethodStores[K];
};

const factories = new Map<string, (db: Kysely<Database>) => unknown>();

/** Adds a method's stores at start (composition root). A name is global: a clash is a bug. */
export function registerMethodStores(made: MethodStoreFactories): void {
  for (const [name, factory] of Object.entries(made)) {
    const known = factories.get(name);
    if (known && known !== factory) throw new Error(`store ${name} is defined twice`);
    factories.set(name, factory as (db: Kysely<Database>) => unknown);
  }
}

/** Every registered method's store over `db`, beside the core stores of createStores. */
export function createMethodStores(db: Kysely<Database>): MethodStores {
  // Typed by the methods' declarations, filled by their registrations (composition root).
  return Object.fromEntries(
    [...factories].map(([name, factory]) => [name, factory(db)]),
  ) as unknown as MethodStores;
}
