/**
 * The per-process request cap (REQUESTS_PER_SECOND_PER_IP,
 * lib/security/request_flood.ts): counted exactly across threads, per
 * address (IPv6 per /64), per second; and against a server started the way
 * users start it (`deno task start`, two threads), a flood from one client
 * address is answered 429 past the limit while other addresses and the
 * host itself are served.
 * @module
 */
import assert from "node:assert/strict";
import {
  createFloodMemory,
  FloodCap,
  floodKey,
} from "../../lib/security/request_flood.ts";
import { startServer } from "../helpers/server_process.ts";

Deno.test("flood cap: threads sharing one buffer let through exactly the limit between them", async () => {
  const buffer = createFloodMemory();
  const threads = [0, 1, 2].map(() =>
    new Worker(
      new URL("../fixtures/flood_admit_worker.ts", import.meta.url),
      { type: "module" },
    )
  );
  try {
    const admitted = await Promise.all(
      threads.map((worker) =>
        new Promise<number>((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(e.message);
          worker.postMessage({
            buffer,
            limit: 5_000,
            tries: 20_000,
            address: "198.51.100.9",
          });
        })
      ),
    );
    assert.equal(admitted.reduce((a, b) => a + b, 0), 5_000, `${admitted}`);
  } finally {
    for (const worker of threads) worker.terminate();
  }
});

Deno.test("flood cap: counts per address per second, IPv6 per /64, never the host itself", () => {
  let ms = 1_700_000_000_000;
  const cap = new FloodCap(3, undefined, () => ms);
  const admitted = (address: string | null, times: number) => {
    let n = 0;
    for (let i = 0; i < times; i++) if (cap.admit(address)) n++;
    return n;
  };
  assert.equal(admitted("203.0.113.7", 10), 3);
  assert.equal(admitted("203.0.113.8", 10), 3, "another address, own budget");
  assert.equal(
    admitted("::ffff:203.0.113.7", 1),
    0,
    "IPv4-mapped is the same address",
  );
  assert.equal(admitted("2001:db8:1:2::5", 2), 2);
  assert.equal(admitted("2001:db8:1:2:aaaa::6", 2), 1, "same /64, shared");
  assert.equal(admitted("2001:db8:1:3::5", 3), 3, "next /64, its own");
  assert.equal(admitted("127.0.0.1", 100), 100, "loopback is not counted");
  assert.equal(admitted("::1", 100), 100);
  assert.equal(admitted(null, 100), 100, "no peer: an in-process call");
  ms += 1_000;
  assert.equal(admitted("203.0.113.7", 10), 3, "the next second, a new budget");
  assert.equal(new FloodCap(0).admit("203.0.113.7"), true, "0 turns it off");
  assert.equal(new FloodCap(0).enabled, false);
  assert.equal(floodKey("2001:DB8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  assert.equal(floodKey("::ffff:127.0.0.1"), null);
});

Deno.test("flood cap: a server's threads refuse one address past the limit and serve the rest", async () => {
  const LIMIT = 20;
  const AT_ONCE = 50;
  const server = await startServer({
    env: {
      TRUSTED_PROXIES: "127.0.0.1",
      REQUESTS_PER_SECOND_PER_IP: String(LIMIT),
    },
  });
  try {
    assert.ok(server.workers >= 2, `${server.workers} threads`);
    const from = (address: string | null, path: string) =>
      fetch(`${server.base}${path}`, {
        headers: address ? { "X-Forwarded-For": address } : {},
      });
    // Half API (direct dispatch), half pages (Hono): both are counted.
    const paths = ["/.well-known/openid-configuration", "/account/login"];
    // Start just after a second turns, so the burst most likely falls in
    // one window (checked below, not assumed).
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));
    const sentAt = Date.now();
    const flood = await Promise.all(
      Array.from(
        { length: AT_ONCE },
        (_, i) => from("203.0.113.7", paths[i % 2]),
      ),
    );
    const neighbour = await from("203.0.113.8", paths[0]);
    const host = await from(null, paths[0]);
    const doneAt = Date.now();

    const statuses = flood.map((res) => res.status);
    const served = statuses.filter((s) => s === 200).length;
    const refused = flood.filter((res) => res.status === 429);
    assert.equal(served + refused.length, AT_ONCE, `${statuses}`);
    if (Math.floor(sentAt / 1000) === Math.floor(doneAt / 1000)) {
      assert.equal(served, LIMIT, "one second: exactly the limit");
    } else {
      assert.ok(served >= LIMIT && served <= 2 * LIMIT, `${served} served`);
    }
    for (const res of refused) {
      assert.equal(res.headers.get("Retry-After"), "1");
      assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
      assert.equal(res.headers.get("Cache-Control"), "no-store");
      const body = await res.json();
      assert.equal(body.error, "slow_down");
      assert.match(body.error_description, /too many requests/);
    }
    await Promise.all(
      flood.filter((res) => !res.bodyUsed).map((res) => res.body?.cancel()),
    );
    assert.equal(neighbour.status, 200, "another address is served");
    assert.equal(host.status, 200, "the host itself is never capped");
    await neighbour.body?.cancel();
    await host.body?.cancel();

    // The next second, the address is served again.
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));
    const later = await from("203.0.113.7", paths[0]);
    assert.equal(later.status, 200);
    await later.body?.cancel();

    const metrics = await fetch(`${server.base}/metrics`, {
      headers: { "X-Admin-Token": server.adminToken },
    });
    const limited = (await metrics.text()).match(
      /http_requests_total\{[^}]*route="\(limited\)"[^}]*\} (\d+)/,
    );
    assert.equal(Number(limited?.[1]), refused.length, "counted in /metrics");
  } finally {
    await server.close();
  }
});
