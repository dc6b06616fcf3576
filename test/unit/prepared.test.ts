import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from "kysely";
import { describe, expect, it } from "vitest";
import { prepared, preparedName } from "../../src/storage/prepared.js";

const db = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe("prepared statement marks", () => {
  it("survive Kysely's compilation at the start of the text, where the driver looks", () => {
    const { sql: text } = sql`${prepared("users_by_id")} select ${1}`.compile(db);
    expect(text).toBe("/* prepared:users_by_id */ select $1");
    expect(preparedName(text)).toBe("users_by_id");
  });

  it("are read only at the start of a statement", () => {
    expect(preparedName("select 1")).toBeUndefined();
    expect(preparedName("select 1 /* prepared:late */")).toBeUndefined();
  });

  it("refuse a name that could end the comment or is not a plain identifier", () => {
    expect(() => prepared("x */ drop table users; /*")).toThrow(/not a statement name/);
    expect(() => prepared("Users")).toThrow(/not a statement name/);
    expect(() => prepared("")).toThrow(/not a statement name/);
  });
});
