import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { REPO_ROOT } from "./server.js";

/**
 * The functions with the most self time in a V8 .cpuprofile (node --cpu-prof):
 *   npx tsx bench/cpuprofile-top.ts profiles/CPU.*.cpuprofile [--top 25] [--by-file] [--last S]
 *     [--skip-last S]
 * --by-file adds up self time per package or source file, which is where a cost usually
 * has to be fixed. --last S keeps only the last S seconds: the measured run of a one-scenario
 * bench, without start-up, seeding and warm-up. --skip-last S then drops the final S seconds
 * of those: a scenario's part measured alone after its main run (passkey-login's options).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export function topSelfTime(
  profile: CpuProfile,
  byFile: boolean,
  lastSeconds = Number.POSITIVE_INFINITY,
  skipLastSeconds = 0,
): SelfTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const from = profile.endTime - lastSeconds * 1e6;
  const to = profile.endTime - skipLastSeconds * 1e6;
  let all = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    // timeDeltas[i + 1] is the time until the next sample: the time sample i stands for.
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node) return;
    const key = byFile ? fileOf(node) : describe(node);
    totals.set(key, (totals.get(key) ?? 0) + ms);
    all += ms;
  });
  return [...totals.entries()]
    .map(([name, ms]) => ({ name, ms, share: all ? ms / all : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

function describe(node: ProfileNode): string {
  const { functionName, lineNumber } = node.callFrame;
  const where = fileOf(node);
  return `${functionName || "(anonymous)"} ${where}${where.startsWith("(") ? "" : `:${lineNumber + 1}`}`;
}

function fileOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const path = url.replace(/^file:\/\//, "");
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (packaged?.[1]) return packaged[1];
  if (path.startsWith("node:")) return path;
  return relative(REPO_ROOT, path);
}

function main(argv: string[]): void {
  const files = argv.filter((arg) => !arg.startsWith("--") && !/^[\d.]+$/.test(arg));
  const option = (name: string, fallback: number) => {
    const at = argv.indexOf(name);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const top = option("--top", 25);
  const last = option("--last", Number.POSITIVE_INFINITY);
  const skipLast = option("--skip-last", 0);
  const byFile = argv.includes("--by-file");
  if (files.length === 0) {
    console.error("usage: tsx bench/cpuprofile-top.ts FILE.cpuprofile [--top N] [--by-file]");
    process.exitCode = 1;
    return;
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const seconds = (profile.endTime - profile.startTime) / 1e6;
    const window =
      (Number.isFinite(last) ? `, last ${last} s kept` : "") +
      (skipLast > 0 ? `, its final ${skipLast} s dropped` : "");
    console.log(`${file}: ${seconds.toFixed(1)} s profiled${window}`);
    for (const entry of topSelfTime(profile, byFile, last, skipLast).slice(0, top)) {
      const share = `${(entry.share * 100).toFixed(1)} %`.padStart(7);
      console.log(`${share} ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
