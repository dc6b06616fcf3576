import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { writeMongoexport } from "./mongoexport.js";

const USAGE = `Usage: npm run bench:import-file -- --out FILE [--users N] [--cost C]

Writes N users (default 1000000) as mongoexport JSON lines for \`latchkey import\`, with
bcrypt hashes at cost C (default 4; the passwords are legacy-password-0 to -3).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      users: { type: "string" },
      cost: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  const users = Number(values.users ?? 1_000_000);
  const cost = Number(values.cost ?? 4);
  if (!Number.isInteger(users) || users < 1) throw new Error("--users must be a positive integer");
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error("--cost must be 4 to 31");
  const started = performance.now();
  await writeMongoexport(values.out, users, cost);
  const { size } = await stat(values.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`import-file: ${users} users, ${(size / 2 ** 20).toFixed(0)} MiB in ${seconds} s`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("import-file: failed:", error);
    process.exitCode = 1;
  },
);
