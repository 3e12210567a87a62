/**
 * Facts about the machine a bench run had: CPU, versions, the code measured,
 * and how busy the cores were (a shared machine's neighbours show up as
 * noise).
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

/** The commit the server ran from, marked when the working tree differs. */
async function gitState(): Promise<string> {
  const git = async (...args: string[]) => {
    try {
      const out = await new Deno.Command("git", {
        args,
        cwd: new URL("../", import.meta.url).pathname,
        stdout: "piped",
        stderr: "null",
      }).output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
    } catch {
      return null;
    }
  };
  const head = await git("rev-parse", "--short", "HEAD");
  if (!head) return "not a git checkout";
  const changed = await git("status", "--porcelain", "--untracked-files=no");
  return `commit ${head}${changed ? " plus uncommitted changes" : ""}`;
}

/** Date, CPU, versions and the code measured, for the report's first line. */
export async function machineInfo(wrkVersion: string): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU";
  return `${
    new Date().toISOString()
  }; ${cpu}, ${navigator.hardwareConcurrency} CPUs; ` +
    `deno ${Deno.version.deno}; ${wrkVersion}; ${await gitState()}`;
}
