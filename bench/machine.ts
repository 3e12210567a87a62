/**
 * Facts about the machine a bench run had: CPU, versions, pinning, and how
 * busy the cores were (a shared machine's neighbours show up as noise).
 * @module
 */

/** Per-core busy share (%) over `ms`, from /proc/stat; [] when unreadable. */
export async function coreBusy(ms: number): Promise<number[]> {
  const read = async () =>
    (await Deno.readTextFile("/proc/stat").catch(() => "")).split("\n")
      .filter((l) => /^cpu\d+ /.test(l))
      .map((l) => {
        const f = l.split(/\s+/).slice(1).map(Number);
        const idle = f[3] + (f[4] ?? 0);
        return { idle, total: f.reduce((a, b) => a + b, 0) };
      });
  const before = await read();
  await new Promise((r) => setTimeout(r, ms));
  const after = await read();
  return after.map((a, i) => {
    const total = a.total - before[i].total;
    return total ? (1 - (a.idle - before[i].idle) / total) * 100 : 0;
  });
}

export async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "");
  return text.split(" ")[0] || "?";
}

export async function machineInfo(
  wrkVersion: string,
  cores: { server: number | null; load: number | null },
  nice: number,
): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU";
  const pinning = cores.server === null
    ? "unpinned (no taskset or fewer than 2 CPUs)"
    : `server and ceiling on core ${cores.server}, load on core ${cores.load}${
      nice ? `, all at nice ${nice}` : ""
    }`;
  return `${
    new Date().toISOString()
  }; ${cpu}, ${navigator.hardwareConcurrency} CPUs; ` +
    `deno ${Deno.version.deno}; ${wrkVersion}; ${pinning}`;
}
