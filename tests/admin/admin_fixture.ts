/**
 * Fixture for the admin API tests: the app after first-run setup, and a
 * small JSON client that sends the admin token, checks that every answer is
 * `no-store`, and keeps every body it saw (for the "no hash ever leaves"
 * test).
 * @module
 */
import assert from "node:assert/strict";
import { seedDemo } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/test_app.ts";

export interface APIResponse {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  headers: Headers;
}

export interface AdminFixture {
  t: TestApp;
  token: string;
  /** Every response body the fixture has read, in order. */
  seen: string[];
  /** Sends `body` as JSON (a string is sent as is) with the admin token. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<APIResponse>;
}

export interface AdminFixtureOptions extends TestAppOptions {
  /** Seed alice, bob and demo-web (default true). */
  seed?: boolean;
}

/** Starts the app, completes setup, seeds the demo data. Close `t`. */
export async function startAdminApp(
  options: AdminFixtureOptions = {},
): Promise<AdminFixture> {
  const t = await startTestApp(options);
  try {
    const token = await completeSetupFor(t);
    if (options.seed ?? true) await seedDemo(t);
    const seen: string[] = [];
    return {
      t,
      token,
      seen,
      async api(method, path, body, headers = {}) {
        const init: RequestInit = {
          method,
          headers: { "X-Admin-Token": token, ...headers },
        };
        if (body !== undefined) {
          (init.headers as Record<string, string>)["Content-Type"] ??=
            "application/json";
          init.body = typeof body === "string" ? body : JSON.stringify(body);
        }
        const res = await t.fetch(path, init);
        const text = await res.text();
        seen.push(text);
        assert.equal(
          res.headers.get("Cache-Control"),
          "no-store",
          `${method} ${path}: Cache-Control`,
        );
        if (res.status !== 204) {
          assert.match(
            res.headers.get("Content-Type") ?? "",
            /^application\/json/,
            `${method} ${path}: Content-Type`,
          );
        }
        return {
          status: res.status,
          body: text === "" ? null : JSON.parse(text),
          headers: res.headers,
        };
      },
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** The distinct paths of a 400 body's `issues`. */
export function issuePaths(body: { issues?: { path: string }[] }): string[] {
  return [...new Set((body.issues ?? []).map((i) => i.path))];
}
