import assert from "node:assert/strict";
import { auditEventID } from "./audit_events.ts";

Deno.test("auditEventID: UUIDv7 ids sort in the order they were made, also within one millisecond", () => {
  const ids = Array.from({ length: 2000 }, () => auditEventID());
  for (const id of ids) {
    assert.match(
      id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  }
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  const millis = parseInt(ids[0].replaceAll("-", "").slice(0, 12), 16);
  assert.ok(Math.abs(millis - Date.now()) < 5000, "time-ordered prefix");
});
