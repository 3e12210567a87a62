/**
 * The V8 flags every way of starting the server passes (`deno task start`,
 * the Containerfile, the systemd unit; the bench and the flow tests start
 * it the same way). V8 reads them only when the process starts, so they
 * cannot be set from here; tests/production/v8_flags_test.ts checks that
 * each launcher carries them, and the bench and tests start the server
 * with `serverStartArgs`, the arguments of `deno task start`.
 *
 * `--no-allocation-site-pretenuring`: V8 learns to allocate the objects of
 * a page render (Preact's vnodes and strings) straight into the old
 * generation because some survive; old-generation garbage then keeps every
 * young object it points at alive through each scavenge until the next full
 * collection. Measured on GET /authorize (the sign-in page) at 32
 * connections on one core: scavenges of 20 ms become 0.5 ms, 0.26-0.35 CPU
 * ms per page become 0.14-0.16, and p99 39-64 ms becomes 10-15 ms
 * (docs/performance.md).
 * @module
 */
export const SERVER_V8_FLAGS = ["--v8-flags=--no-allocation-site-pretenuring"];

/**
 * The `deno` arguments of `deno task start`; `extra` (e.g. `--cpu-prof`) go
 * before the script.
 */
export function serverStartArgs(extra: string[] = []): string[] {
  return ["run", "-A", ...SERVER_V8_FLAGS, ...extra, "main.ts"];
}
