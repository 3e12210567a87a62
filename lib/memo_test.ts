import assert from "node:assert/strict";
import { memoize } from "./memo.ts";

Deno.test("memoize: a known input is not computed again; past the limit everything is forgotten", () => {
  const calls: string[] = [];
  const length = memoize((s: string) => {
    calls.push(s);
    return s.length;
  }, 2);
  assert.equal(length("ab"), 2);
  assert.equal(length("ab"), 2);
  assert.equal(length("abc"), 3);
  assert.deepEqual(calls, ["ab", "abc"]);
  // A third input clears the two known ones.
  assert.equal(length("x"), 1);
  assert.equal(length("ab"), 2);
  assert.deepEqual(calls, ["ab", "abc", "x", "ab"]);
});

Deno.test("memoize: undefined and null results are remembered too", () => {
  let calls = 0;
  const none = memoize((_: string) => {
    calls++;
    return undefined;
  }, 10);
  none("a");
  none("a");
  assert.equal(calls, 1);
});
