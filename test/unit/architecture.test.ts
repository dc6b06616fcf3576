import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layout's rules (README, "Architecture"), checked on the source text: what imports
 * what, and how long a file may grow. Type-only imports count: a cycle of types is still
 * a cycle for a reader.
 */
const SRC = resolve(import.meta.dirname, "../../src");
const files = listTs(SRC);
const imports = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(SRC, file);

describe("architecture", () => {
  it("a sign-in method's folder is imported only by itself and the composition root", () => {
    const strays: string[] = [];
    for (const [file, targets] of imports) {
      for (const target of targets) {
        const method = /^methods\/([^/]+)\//.exec(name(target))?.[1];
        if (!method || name(file).startsWith(`methods/${method}/`)) continue;
        if (name(file) === "composition/sign-in-methods.ts") continue;
        // Its tables' migration is one line in the one ordered list (README, "Adding a sign-in method").
        if (
          name(file) === "storage/migrate.ts" &&
          name(target) === `methods/${method}/migration.ts`
        )
          continue;
        strays.push(`${name(file)} -> ${name(target)}`);
      }
    }
    expect(strays).toEqual([]);
  });

  it("the domain reads no HTTP, SQL or environment, and config reads no domain", () => {
    const strays: string[] = [];
    for (const [file, targets] of imports) {
      const from = name(file);
      for (const target of targets.map(name)) {
        if (
          from.startsWith("domain/") &&
          /^(http|pages|storage\/stores|storage\/drivers)\//.test(target)
        ) {
          strays.push(`${from} -> ${target}`);
        }
        if (from.startsWith("config/") && target.startsWith("domain/"))
          strays.push(`${from} -> ${target}`);
      }
      const text = readFileSync(file, "utf8");
      if (from.startsWith("domain/") && /from "(fastify|kysely|pg)"|process\.env/.test(text)) {
        strays.push(`${from} -> fastify, kysely, pg or process.env`);
      }
    }
    expect(strays).toEqual([]);
  });

  it("no import cycles", () => {
    expect(cycles().map((group) => group.map(name).sort().join(", "))).toEqual([]);
  });

  it("no file over 300 lines (STYLE.md: split by flow)", () => {
    const long = files
      .map((file) => [name(file), readFileSync(file, "utf8").split("\n").length - 1] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const targets = new Set<string>();
  for (const match of text.matchAll(/(?:import|export)[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gs)) {
    const target = resolve(dirname(file), match[1] as string).replace(/\.js$/, ".ts");
    if (target !== file) targets.add(target);
  }
  return [...targets].filter((target) => files.includes(target));
}

/** Tarjan's strongly connected components of more than one file. */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of imports.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) groups.push(group);
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return groups;
}
