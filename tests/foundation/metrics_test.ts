/**
 * GET /metrics in the Prometheus text format, parsed by a real
 * text-format parser: what the server counts, who may read it, and that
 * with several server threads one scrape adds up all of them.
 */
import assert from "node:assert/strict";
import parsePrometheus from "parse-prometheus-text-format";
import { tokenRequest } from "../helpers/oauth.ts";
import { addClient, basic } from "../helpers/clients.ts";
import {
  completeSetupFor,
  freshDatabaseURL,
  startTestApp,
  TEST_APP_SECRET,
} from "../helpers/test_app.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

interface Family {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
  }[];
}

function family(families: Family[], name: string): Family {
  const f = families.find((f) => f.name === name);
  assert.ok(f, `metric ${name} is exported`);
  return f;
}

function valueOf(f: Family, labels: Record<string, string>): number {
  const m = f.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  );
  return m ? Number(m.value ?? m.count) : 0;
}

Deno.test("metrics: /metrics needs the admin token and counts requests, tokens, sign-ins", async () => {
  const t = await startTestApp();
  try {
    const admin = await completeSetupFor(t);
    const anonymous = await t.fetch("/metrics");
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();

    const svc = await addClient(t, {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: "files.read",
    });
    for (let i = 0; i < 3; i++) {
      const r = await tokenRequest(t, { grant_type: "client_credentials" }, {
        Authorization: basic("svc", svc.client_secret!),
      });
      assert.equal(r.status, 200);
    }
    const bad = await tokenRequest(t, { grant_type: "client_credentials" }, {
      Authorization: basic("svc", "wrong"),
    });
    assert.equal(bad.status, 401);

    const res = await t.fetch("/metrics", {
      headers: { "X-Admin-Token": admin },
    });
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("Content-Type")!,
      /^text\/plain; version=0\.0\.4/,
    );
    const text = await res.text();
    const families = parsePrometheus(text) as Family[];

    const requests = family(families, "oauth_http_requests_total");
    assert.equal(requests.type, "COUNTER");
    assert.ok(
      valueOf(requests, { method: "POST", route: "/token", status: "200" }) >=
        3,
    );
    assert.ok(
      valueOf(requests, { method: "POST", route: "/token", status: "401" }) >=
        1,
    );
    const issued = family(families, "oauth_tokens_issued_total");
    assert.ok(
      valueOf(issued, { grant_type: "client_credentials", client_id: "svc" }) >=
        3,
    );
    const latency = family(families, "oauth_http_request_duration_seconds");
    assert.equal(latency.type, "HISTOGRAM");
    // This parser drops the labels of labelled histograms, so the buckets
    // are checked through it and the per-route count from the text itself.
    assert.ok(
      latency.metrics.some((m) => Number(m.buckets?.["+Inf"] ?? 0) >= 4),
    );
    const count = text.match(
      /^oauth_http_request_duration_seconds_count\{method="POST",route="\/token"\} (\d+)$/m,
    );
    assert.ok(count && Number(count[1]) >= 4, "per-route latency count");
  } finally {
    await t.close();
  }
});

Deno.test("metrics: with several server threads, METRICS_PORT adds up every thread", async () => {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const free = () => {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const p = (l.addr as Deno.NetAddr).port;
    l.close();
    return p;
  };
  const port = free();
  const metricsPort = free();
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: new URL("../../", import.meta.url),
    env: {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      WORKERS: "2",
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: `${dir}/kv.sqlite`,
      LOG_REQUESTS: "false",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        await r.body?.cancel();
        if (r.ok) break;
      } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    const N = 40;
    for (let i = 0; i < N; i++) {
      const r = await fetch(`${base}/.well-known/jwks.json`, {
        headers: { Connection: "close" },
      });
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const families = parsePrometheus(await res.text()) as Family[];
    const requests = family(families, "oauth_http_requests_total");
    assert.equal(
      valueOf(requests, { route: "/.well-known/jwks.json", status: "200" }),
      N,
    );
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
});
