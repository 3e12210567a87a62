import assert from "node:assert/strict";
import { isDatabaseUnavailable } from "./unavailable.ts";

function withCode(code: string, message = "failed"): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("isDatabaseUnavailable: connection failures of both engines", () => {
  for (
    const err of [
      withCode("ECONNREFUSED"),
      withCode("ECONNRESET"),
      withCode("ETIMEDOUT"),
      withCode("57P01", "terminating connection due to administrator command"),
      withCode("57P02"),
      withCode("57P03", "the database system is starting up"),
      withCode("53300", "sorry, too many clients already"),
      withCode("08006"),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      new Error(
        "Client has encountered a connection error and is not queryable",
      ),
      withCode("ERR_SQLITE_BUSY"),
      withCode("ERR_SQLITE_ERROR", "database is locked"),
    ]
  ) {
    assert.equal(isDatabaseUnavailable(err), true, String(err));
  }
});

Deno.test("isDatabaseUnavailable: bugs and bad data are not outages", () => {
  for (
    const err of [
      new Error("boom"),
      withCode("23505", "duplicate key value violates unique constraint"),
      withCode("42P01", 'relation "nope" does not exist'),
      withCode("22021", "invalid byte sequence for encoding"),
      new TypeError("cannot read properties of undefined"),
      null,
      "a string",
    ]
  ) {
    assert.equal(isDatabaseUnavailable(err), false, String(err));
  }
});
