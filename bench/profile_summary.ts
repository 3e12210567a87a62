/**
 * Summarises a V8 `.cpuprofile` (from `deno task bench --profile DIR`): where
 * the server's CPU went, by package or project file and by function, self
 * and inclusive time, idle excluded from the shares. Main thread only:
 * argon2 (napi thread pool) and other off-thread work show up in the
 * bench's "server CPU ms/req", not here.
 *
 * ```sh
 * deno run -R bench/profile_summary.ts prof/CPU.*.cpuprofile [--top 25]
 * ```
 * @module
 */
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CPUProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = "(idle)";

/** The package (npm), project file or V8 pseudo-frame a frame belongs to. */
export function bucketOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const npm = url.match(/node_modules\/(?:\.deno\/)?((?:@[^/]+\/)?[^/@]+)/);
  if (npm) return `npm:${npm[1]}`;
  if (url.startsWith("ext:") || url.startsWith("node:")) {
    return url.split("/").slice(0, 2).join("/");
  }
  const local = url.match(/\/work\/[^/]+\/(.+)$/);
  return local ? local[1] : url;
}

function frameName(frame: CallFrame): string {
  const where = frame.url ? `${bucketOf(frame)}:${frame.lineNumber + 1}` : "";
  return `${frame.functionName || "(anonymous)"} ${where}`.trim();
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** Microseconds on the main thread, split several ways. */
export interface ProfileSummary {
  busy: number;
  idle: number;
  selfBucket: Map<string, number>;
  selfFn: Map<string, number>;
  inclusiveFn: Map<string, number>;
  inclusiveBucket: Map<string, number>;
}

/** Self and inclusive microseconds by bucket and by function. */
export function summarise(profile: CPUProfile): ProfileSummary {
  const byID = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const selfBucket = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclusiveFn = new Map<string, number>();
  const inclusiveBucket = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byID.get(id)!;
    if (node.callFrame.functionName === IDLE) {
      idle += dt;
      return;
    }
    busy += dt;
    const add = (m: Map<string, number>, k: string) =>
      m.set(k, (m.get(k) ?? 0) + dt);
    add(selfBucket, bucketOf(node.callFrame));
    add(selfFn, frameName(node.callFrame));
    const seenFn = new Set<string>();
    const seenBucket = new Set<string>();
    for (
      let cur: number | undefined = id;
      cur !== undefined;
      cur = parent.get(cur)
    ) {
      const frame = byID.get(cur)!.callFrame;
      const name = frameName(frame);
      const bucket = bucketOf(frame);
      if (!seenFn.has(name)) {
        seenFn.add(name);
        add(inclusiveFn, name);
      }
      if (!seenBucket.has(bucket)) {
        seenBucket.add(bucket);
        add(inclusiveBucket, bucket);
      }
    }
  });
  return { busy, idle, selfBucket, selfFn, inclusiveFn, inclusiveBucket };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { top: { type: "string", default: "25" } },
  });
  const n = Number(values.top);
  for (const file of positionals) {
    const s = summarise(JSON.parse(await Deno.readTextFile(file)));
    const pct = (us: number) => `${((us / s.busy) * 100).toFixed(1)}%`;
    const print = (title: string, rows: [string, number][]) => {
      console.log(`\n${title}`);
      for (const [k, v] of rows) {
        console.log(
          `  ${pct(v).padStart(6)}  ${
            (v / 1000).toFixed(0).padStart(7)
          } ms  ${k}`,
        );
      }
    };
    console.log(
      `${file}: busy ${(s.busy / 1e6).toFixed(2)} s, idle ${
        (s.idle / 1e6).toFixed(2)
      } s`,
    );
    print("self time by package/file", top(s.selfBucket, n));
    print("inclusive time by package/file", top(s.inclusiveBucket, n));
    print("self time by function", top(s.selfFn, n));
    print("inclusive time by function", top(s.inclusiveFn, n));
  }
}
