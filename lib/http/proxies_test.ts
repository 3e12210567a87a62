import assert from "node:assert/strict";
import {
  budgetAddress,
  clientAddress,
  parseTrustedProxies,
} from "./proxies.ts";

Deno.test("proxies: no TRUSTED_PROXIES means the TCP peer, whatever X-Forwarded-For claims", () => {
  assert.equal(clientAddress("203.0.113.7", "198.51.100.1", []), "203.0.113.7");
});

Deno.test("proxies: behind a trusted balancer the client is the rightmost untrusted hop", () => {
  const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.10");
  // The balancer (10.0.0.5) appended the address it got the request from.
  assert.equal(
    clientAddress("10.0.0.5", "198.51.100.9", trusted),
    "198.51.100.9",
  );
  // A client-written entry sits to the left and is never reached.
  assert.equal(
    clientAddress("10.0.0.5", "1.2.3.4, 198.51.100.9", trusted),
    "198.51.100.9",
  );
  // Two trusted hops (192.168.1.10 then 10.0.0.5) are skipped.
  assert.equal(
    clientAddress("10.0.0.5", "1.2.3.4, 198.51.100.9, 192.168.1.10", trusted),
    "198.51.100.9",
  );
  // Every hop trusted: the leftmost is as far as anyone vouches.
  assert.equal(
    clientAddress("10.0.0.5", "10.1.1.1, 10.2.2.2", trusted),
    "10.1.1.1",
  );
  // No header: the proxy itself.
  assert.equal(clientAddress("10.0.0.5", null, trusted), "10.0.0.5");
  // Garbage stops the walk at the hop that passed it on.
  assert.equal(clientAddress("10.0.0.5", "evil, ::1 x", trusted), "10.0.0.5");
  assert.equal(
    clientAddress("10.0.0.5", "nonsense, 198.51.100.9", trusted),
    "198.51.100.9",
  );
});

Deno.test("proxies: an untrusted peer cannot choose its address with X-Forwarded-For", () => {
  const trusted = parseTrustedProxies("10.0.0.0/8");
  assert.equal(
    clientAddress("203.0.113.7", "10.0.0.1", trusted),
    "203.0.113.7",
  );
  assert.equal(clientAddress("11.0.0.1", "198.51.100.9", trusted), "11.0.0.1");
});

Deno.test("proxies: IPv6 networks, IPv4-mapped peers and bracketed addresses", () => {
  const trusted = parseTrustedProxies("fd00::/8, 127.0.0.1");
  assert.equal(
    clientAddress("fd12:3456::1", "2001:db8::7", trusted),
    "2001:db8::7",
  );
  assert.equal(clientAddress("fe80::1", "2001:db8::7", trusted), "fe80::1");
  assert.equal(
    clientAddress("::ffff:127.0.0.1", "198.51.100.9", trusted),
    "198.51.100.9",
  );
  assert.equal(
    clientAddress("127.0.0.1", "[2001:db8::7]", trusted),
    "2001:db8::7",
  );
  assert.equal(clientAddress("::1", "198.51.100.9", trusted), "::1");
  // Some balancers append the client's port.
  assert.equal(
    clientAddress("127.0.0.1", "198.51.100.9:4711", trusted),
    "198.51.100.9",
  );
  assert.equal(
    clientAddress("127.0.0.1", "[2001:db8::7]:4711", trusted),
    "2001:db8::7",
  );
});

Deno.test("proxies: TRUSTED_PROXIES entries must be addresses or CIDR networks", () => {
  assert.deepEqual(parseTrustedProxies(""), []);
  assert.equal(parseTrustedProxies("10.0.0.0/8,::1,2001:db8::/32").length, 3);
  for (
    const bad of [
      "10.0.0.0/33",
      "256.1.1.1",
      "10.0.0.0/8/8",
      "example.com",
      "10.0.0.0/x",
      "1::2::3",
      "::1/129",
      "01.2.3.4",
    ]
  ) {
    assert.throws(
      () => parseTrustedProxies(bad),
      new RegExp(bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")),
    );
  }
});

Deno.test("proxies: per-address budgets count IPv6 by its /64 and IPv4 as is", () => {
  assert.equal(budgetAddress("203.0.113.7"), "203.0.113.7");
  assert.equal(budgetAddress("::ffff:203.0.113.7"), "203.0.113.7");
  // Every address of one /64 is one key, however it is written.
  assert.equal(budgetAddress("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  assert.equal(
    budgetAddress("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"),
    "2001:db8:1:2::/64",
  );
  assert.equal(budgetAddress("[2001:db8:1:2::9]"), "2001:db8:1:2::/64");
  assert.equal(budgetAddress("fe80::1%eth0"), "fe80::/64");
  // The next /64 is another key.
  assert.equal(budgetAddress("2001:db8:1:3::1"), "2001:db8:1:3::/64");
  assert.equal(budgetAddress(null), "unknown");
});
