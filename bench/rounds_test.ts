import assert from "node:assert/strict";
import { medianRound } from "./rounds.ts";
import type { Measurement, Scenario } from "./scenarios.ts";

const scenario = { name: "discovery" } as Scenario;
const round = (rate: number | null, errors = 0): Measurement => ({
  scenario,
  rate,
  p50Ms: rate === null ? null : 1,
  p99Ms: rate === null ? null : 1000 / rate,
  errors,
});

Deno.test("rounds: the median round by rate is the row, with every round's errors", () => {
  const m = medianRound([round(300, 1), round(100), round(200, 2)]);
  assert.equal(m.rate, 200);
  assert.equal(m.p99Ms, 5, "the whole round, not a mix of rounds");
  assert.equal(m.errors, 3);
  assert.equal(medianRound([round(4), round(1), round(3), round(2)]).rate, 2);
  assert.equal(medianRound([round(7)]).rate, 7);
});

Deno.test("rounds: a round that could not run is the row, never outvoted", () => {
  const m = medianRound([round(100), round(null, 1), round(300)]);
  assert.equal(m.rate, null);
  assert.equal(m.errors, 1);
  assert.throws(() => medianRound([]), /no rounds/);
});
