import assert from "node:assert/strict";
import { type ModeResult, modeTable, peerTable, ratio } from "./report.ts";
import { type Measurement, type Scenario, SCENARIOS } from "./scenarios.ts";

function scenario(name: string): Scenario {
  return SCENARIOS.find((s) => s.name === name)!;
}

function row(
  name: string,
  rate: number | null,
  cpuMs?: number,
  extra: Partial<Measurement> = {},
): Measurement {
  return {
    scenario: scenario(name),
    rate,
    p50Ms: rate === null ? null : 1,
    p99Ms: rate === null ? null : 5,
    errors: 0,
    cpu: cpuMs === undefined ? null : { msPerRequest: cpuMs, coreUse: 99 },
    ...extra,
  };
}

function mode(peer?: Measurement[]): ModeResult {
  return {
    placement: {
      mode: "1",
      serverCPUs: "0",
      loadCPUs: "1",
      threads: 1,
      description: "core 0, load on core 1",
    },
    results: [
      row("ceiling", 40_000, 0.02),
      row("discovery", 20_000, 0.05),
      row("client_credentials", 4_000, 0.25),
      row("code_flow_passkey", 180, 5),
    ],
    machine: "quiet",
    dbNote: null,
    peer: peer && {
      name: "oidc-provider",
      versions: "oidc-provider 9.13.3 on Node.js v22",
      results: peer,
      oursIdleCoreUse: 0.4,
    },
  };
}

/** The cells of the table row whose first cell starts with `label`. */
function cells(table: string, label: string): string[] {
  const line = table.split("\n").find((l) => l.startsWith(`| ${label} `));
  assert.ok(line, `no row ${label} in\n${table}`);
  return line.split("|").slice(1, -1).map((c) => c.trim());
}

Deno.test("ratio: a multiple with two decimals, n/a without both sides", () => {
  assert.equal(ratio(19_860, 11_023), "1.80x");
  assert.equal(ratio(4_505, 5_563), "0.81x");
  assert.equal(ratio(1_000, null), "n/a");
  assert.equal(ratio(undefined, 10), "n/a");
  assert.equal(ratio(10, 0), "n/a");
});

Deno.test("peerTable: ours and the peer per scenario, ratios ours-ahead above 1", () => {
  const table = peerTable(mode([
    row("discovery", 10_000, 0.1, {
      cpu: { msPerRequest: 0.1, coreUse: 93.6 },
    }),
    row("client_credentials", 5_000, 0.2),
    row("code_flow_passkey", null, undefined, { note: "n/a: no passkeys" }),
  ]));
  assert.deepEqual(cells(table, "discovery"), [
    "discovery",
    "20,000",
    "5.00",
    "0",
    "0.050",
    "10,000",
    "5.00",
    "0",
    "0.100",
    "2.00x",
    "2.00x",
    "99% / 94%",
  ]);
  const cc = cells(table, "client_credentials");
  assert.deepEqual(cc.slice(-3, -1), ["0.80x", "0.80x"]);
  const passkey = cells(table, "full code flow, passkey sign-in");
  assert.deepEqual(passkey.slice(5, -1), ["n/a", "-", "-", "-", "n/a", "n/a"]);
  // The ceiling is no server scenario: the peer has no row for it.
  assert.ok(!table.includes("ceiling"));
});

Deno.test("modeTable: the peer's req/s and ours / peer only with --peer", () => {
  const without = modeTable(mode(), false);
  assert.ok(!without.includes("oidc-provider req/s (this run)"));
  const withPeer = modeTable(mode([row("discovery", 8_000, 0.1)]), false);
  const header = cells(withPeer, "scenario");
  assert.deepEqual(header.slice(-2), [
    "oidc-provider req/s (this run)",
    "ours / oidc-provider",
  ]);
  assert.deepEqual(cells(withPeer, "discovery").slice(-2), ["8,000", "2.50x"]);
  // Rows the peer was not asked for show a dash, not a ratio.
  assert.deepEqual(cells(withPeer, "client_credentials").slice(-2), [
    "-",
    "-",
  ]);
});
