import assert from "node:assert/strict";
import { createApp } from "../../lib/app.tsx";
import { define } from "../../lib/http/define.ts";
import {
  completeSetupFor,
  PAGE_SHELL,
  startTestApp,
} from "../helpers/test_app.ts";

const HTML = { Accept: "text/html" };
const JSON_ACCEPT = { Accept: "application/json" };
const ONE_MIB = 1024 * 1024;

function assertSecurityHeaders(res: Response, what: string): void {
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP`);
  assert.match(csp, /default-src 'self'/, `${what}: CSP`);
  assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff", what);
  assert.equal(res.headers.get("X-Frame-Options"), "DENY", what);
}

/** No trace of a stack, a file path or the thrown message. */
function assertNoInternals(body: string): void {
  assert.doesNotMatch(body, /\bat \S+ \(|\.tsx?:\d+|file:\/\//);
  assert.doesNotMatch(body, /database password is hunter2/);
}

Deno.test("errors: an unknown path answers 404 JSON to API clients", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/no/such/endpoint", { headers: JSON_ACCEPT });
    assert.equal(res.status, 404);
    assert.match(res.headers.get("Content-Type") ?? "", /application\/json/);
    assert.equal((await res.json()).error, "not_found");
    // No Accept at all (curl) is an API client too.
    const curl = await t.fetch("/no/such/endpoint");
    assert.equal(curl.status, 404);
    assert.equal((await curl.json()).error, "not_found");
  } finally {
    await t.close();
  }
});

Deno.test("errors: an unknown path answers a 404 HTML page to browsers", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    const res = await t.fetch("/no/such/page", { headers: HTML });
    assert.equal(res.status, 404);
    assert.match(res.headers.get("Content-Type") ?? "", /text\/html/);
    const html = await res.text();
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /Page not found/);
    assertSecurityHeaders(res, "404 page");
  } finally {
    await t.close();
  }
});

Deno.test("errors: a request body larger than 1 MiB answers 413", async () => {
  const t = await startTestApp();
  try {
    const big = "a".repeat(ONE_MIB + 1);
    const declared = await t.fetch("/setup", {
      method: "POST",
      headers: {
        ...JSON_ACCEPT,
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(big.length),
      },
      body: big,
    });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).error, "payload_too_large");

    // A streamed body without Content-Length is cut off at the limit too.
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > ONE_MIB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await t.fetch("/setup", {
      method: "POST",
      headers: {
        ...HTML,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: stream,
    });
    assert.equal(streamed.status, 413);
    assert.match(await streamed.text(), /Request too large/);

    // Just under the limit is not refused for its size.
    const small = await t.fetch("/setup", {
      method: "POST",
      headers: {
        ...JSON_ACCEPT,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "a".repeat(ONE_MIB - 1),
    });
    assert.notEqual(small.status, 413);
    await small.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("errors: pages carry CSP frame-ancestors 'none', nosniff and X-Frame-Options DENY", async () => {
  const t = await startTestApp();
  try {
    const setup = await t.fetch("/setup", { headers: HTML });
    await setup.body?.cancel();
    assertSecurityHeaders(setup, "/setup");
    const token = await completeSetupFor(t);
    for (const path of ["/", "/admin/login"]) {
      const res = await t.fetch(path, { headers: HTML });
      await res.body?.cancel();
      assert.equal(res.status, 200, path);
      assertSecurityHeaders(res, path);
    }
    const api = await t.fetch("/admin/ui", {
      headers: { ...JSON_ACCEPT, "X-Admin-Token": token },
    });
    await api.body?.cancel();
    assertSecurityHeaders(api, "/admin/ui");
  } finally {
    await t.close();
  }
});

Deno.test("errors: a thrown internal error answers 500 without a stack trace, and is logged", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    const app = await createApp(t.deps, {
      routes: {
        ...PAGE_SHELL,
        "./routes/boom.ts": {
          handler: define.handlers({
            GET: () => {
              throw new Error("database password is hunter2");
            },
            POST: () => {
              throw "a thrown string";
            },
          }),
        },
      },
      islands: {},
    });
    const url = `${t.base}/boom`;

    const api = await app.fetch(new Request(url, { headers: JSON_ACCEPT }));
    assert.equal(api.status, 500);
    const text = await api.text();
    assert.deepEqual(JSON.parse(text), {
      error: "server_error",
      error_description: "the server failed to handle this request",
    });
    assertNoInternals(text);
    assertSecurityHeaders(api, "500 JSON");

    const page = await app.fetch(new Request(url, { headers: HTML }));
    assert.equal(page.status, 500);
    const html = await page.text();
    assert.match(html, /Something went wrong/);
    assertNoInternals(html);
    assertSecurityHeaders(page, "500 page");

    const thrownString = await app.fetch(new Request(url, { method: "POST" }));
    assert.equal(thrownString.status, 500);
    assert.doesNotMatch(await thrownString.text(), /a thrown string/);

    // Operators still see what happened.
    const logged = t.logs.map((l) => JSON.parse(l))
      .filter((l) => l.msg === "unhandled error");
    assert.equal(logged.length, 3);
    assert.match(logged[0].err, /hunter2/);
    assert.equal(logged[0].path, "/boom");
  } finally {
    await t.close();
  }
});

Deno.test("errors: /healthz answers 200 with status ok", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/healthz");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    const body = await res.json();
    assert.equal(body.status, "ok");
    assert.equal(body.database, "ok");
  } finally {
    await t.close();
  }
});

Deno.test("errors: request log lines carry method, path, status and ms, never the query string", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch(
      "/healthz?code=SECRET-CODE-123&access_token=SECRET-TOKEN-456",
    );
    await res.body?.cancel();
    const notFound = await t.fetch("/missing?state=SECRET-STATE-789");
    await notFound.body?.cancel();

    const requests = t.logs.map((l) => JSON.parse(l))
      .filter((l) => l.msg === "request");
    const health = requests.find((l) => l.path === "/healthz");
    assert.ok(health, "a line for /healthz");
    assert.equal(health.method, "GET");
    assert.equal(health.status, 200);
    assert.equal(typeof health.ms, "number");
    assert.ok(health.ms >= 0);
    const missing = requests.find((l) => l.path === "/missing");
    assert.equal(missing?.status, 404);

    const all = t.logs.join("\n");
    for (const secret of ["SECRET-CODE", "SECRET-TOKEN", "SECRET-STATE"]) {
      assert.equal(all.includes(secret), false, secret);
    }
    for (const line of requests) assert.equal(line.path.includes("?"), false);
  } finally {
    await t.close();
  }
});
