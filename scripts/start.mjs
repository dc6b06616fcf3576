// `npm start`: compiles src/ to dist/ when the sources changed since the last build, then
// runs the server from dist/ in this same process, as `node dist/main.js` would.
//
// Plain `node` on compiled JavaScript, not tsx: tsx's loader runs on a thread of its own with
// its own V8 heap and keeps every transformed file, about 110 MiB of the server's memory.
// Where dist/ cannot be brought up to date (TypeScript not installed, as after
// `npm ci --omit=dev`; or a read-only folder), the sources still run, through tsx.
//
// package.json runs this with V8 flags that keep the heap near what is live (~30 MiB), each
// measured with `npm run bench` on PostgreSQL (peak RSS; CPU per request):
//   --no-allocation-site-pretenuring  V8 otherwise decides, while the server starts, to allocate
//       some objects straight in the old generation; under load those sites then fill it with
//       per-request garbage (/healthz: old space +50 MiB in 8 s). Off: -40 MiB under load, and
//       less CPU per request, not more.
//   --max-semi-space-size=2  the young generation stays at 2 x 2 MiB instead of growing to
//       2 x 16 MiB: -20 MiB, for ~1.2 us more scavenging per /healthz request (~2.5 %).
//   --heap-growing-percent=30  the next full GC comes when the old generation has grown 30 %
//       past what was live, not up to 4x (V8's factor on a machine with this much memory):
//       -25 to -60 MiB in the scenarios after sign-up and login. Unlike --max-old-space-size
//       it sets no ceiling the process could die on.
//   --v8-pool-size=2  two V8 helper threads rather than four (fewer stacks and malloc arenas):
//       -3 to -7 MiB; no change in CPU per request measured.
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
