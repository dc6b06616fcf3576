// `npm start`: compiles src/ to dist/ when the sources changed since the last build, then
// runs the server from dist/ in this same process, as `node dist/main.js` would.
//
// Plain `node` on compiled JavaScript, not tsx: tsx's loader runs on a thread of its own with
// its own V8 heap and keeps every transformed file, a large share of the server's memory.
// Where dist/ cannot be brought up to date (TypeScript not installed, as after
// `npm ci --omit=dev`; or a read-only folder), the sources still run, through tsx.
//
// package.json runs this with V8 flags that keep the heap near what is live instead of
// letting V8 size it for a machine of its own. Each is declared once, with why, in
// src/config/vars/runtime-tuning.ts, which the README's "Runtime tuning" table is generated
// from (a test keeps package.json equal to it); what each saved is in BENCHMARKS.md (Memory).
// Running `node dist/main.js` directly (a container's command, say) should pass the same flags.
import { build, distUrl, findCompiler, isDistCurrent } from "./build.mjs";

function prepare() {
  if (isDistCurrent()) return "dist";
  if (!findCompiler()) {
    return "TypeScript is not installed (dev dependencies), so dist/ cannot be built";
  }
  try {
    build();
    return "dist";
  } catch (error) {
    return `dist/ could not be built (${error instanceof Error ? error.message : String(error)})`;
  }
}

const prepared = prepare();
if (prepared === "dist") {
  await import(distUrl("main.js"));
} else {
  console.error(
    `latchkey: ${prepared}: running src/ through tsx, which takes about 110 MiB more memory. \`npm ci && npm run build\` compiles it.`,
  );
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
