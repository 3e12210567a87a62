import assert from "node:assert/strict";
import { list, record, table, time } from "./output.ts";

Deno.test("table: columns pad to the widest cell, headers upper-cased, empty cells as -", () => {
  assert.equal(
    table(["kid", "alg", "retired_at"], [
      ["k1", "RS256", null],
      ["a-longer-kid", "EdDSA", "2025-01-01T00:00:00Z"],
    ]),
    "KID           ALG    RETIRED_AT\n" +
      "k1            RS256  -\n" +
      "a-longer-kid  EdDSA  2025-01-01T00:00:00Z\n",
  );
});

Deno.test("table: no rows prints the headers and (none)", () => {
  assert.equal(table(["name", "claims"], []), "NAME  CLAIMS\n(none)\n");
});

Deno.test("record: keys aligned, values after one space", () => {
  assert.equal(
    record([["id", "u1"], ["email_verified", false], ["email", null]]),
    "id:             u1\nemail_verified: false\nemail:          -\n",
  );
});

Deno.test("time: epoch seconds as UTC ISO 8601 without milliseconds", () => {
  assert.equal(time(0), "1970-01-01T00:00:00Z");
  assert.equal(time(1735689600), "2025-01-01T00:00:00Z");
  assert.equal(time(null), null);
  assert.equal(list(["a", "b"]), "a b");
});
