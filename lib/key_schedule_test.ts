import assert from "node:assert/strict";
import type { SigningKeyRow } from "./db/schema.ts";
import {
  activationDelay,
  keyStatus,
  PUBLISH_MARGIN_SECONDS,
  signerOf,
} from "./key_schedule.ts";

type Row = Pick<
  SigningKeyRow,
  "kid" | "alg" | "status" | "created_at" | "activates_at" | "retired_at"
>;

function key(kid: string, fields: Partial<Row> = {}): Row {
  return {
    kid,
    alg: "RS256",
    status: "active",
    created_at: 0,
    activates_at: 0,
    retired_at: null,
    ...fields,
  };
}

/** A rotation at 100: k1 retires when k2 activates at 162. */
const ROTATED = [
  key("k1", { status: "retired", retired_at: 162 }),
  key("k2", { created_at: 100, activates_at: 162 }),
];

Deno.test("key schedule: a rotated key waits the JWKS max-age plus the publishing margin", () => {
  assert.equal(activationDelay(60), 60 + PUBLISH_MARGIN_SECONDS);
  assert.ok(PUBLISH_MARGIN_SECONDS >= 1);
});

Deno.test("key schedule: the old key signs until the new one activates, the new one from then on", () => {
  assert.equal(signerOf(ROTATED, "RS256", 161)?.kid, "k1");
  assert.equal(signerOf(ROTATED, "RS256", 162)?.kid, "k2");
  assert.equal(signerOf(ROTATED, "ES256", 162), null);
  assert.deepEqual(ROTATED.map((r) => keyStatus(r, ROTATED, 161)), [
    "active",
    "pending",
  ]);
  assert.deepEqual(ROTATED.map((r) => keyStatus(r, ROTATED, 162)), [
    "retired",
    "active",
  ]);
});

Deno.test("key schedule: with the signer retired early, the earliest waiting key signs", () => {
  const rows = [
    key("k1", { status: "retired", retired_at: 120 }),
    key("k2", { created_at: 100, activates_at: 162 }),
    key("k3", { created_at: 110, activates_at: 172 }),
  ];
  assert.equal(signerOf(rows, "RS256", 130)?.kid, "k2");
  assert.deepEqual(rows.map((r) => keyStatus(r, rows, 130)), [
    "retired",
    "active",
    "pending",
  ]);
});

Deno.test("key schedule: rows from before activates_at existed sign from their creation", () => {
  const rows = [key("old", { created_at: 50, activates_at: null })];
  assert.equal(signerOf(rows, "RS256", 50)?.kid, "old");
});

Deno.test("key schedule: of two open keys the most recently activated signs", () => {
  const rows = [
    key("a", { created_at: 10, activates_at: 10 }),
    key("b", { created_at: 20, activates_at: 20 }),
  ];
  assert.equal(signerOf(rows, "RS256", 30)?.kid, "b");
  assert.equal(signerOf(rows, "RS256", 15)?.kid, "a");
});
