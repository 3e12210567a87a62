import assert from "node:assert/strict";
import { serveTLS, TEST_CA_PEM } from "../../tests/helpers/tls_server.ts";
import {
  addressAllowed,
  createSafeFetcher,
  OutboundError,
  type SafeFetchOptions,
} from "./safe_fetch.ts";

/**
 * A connect that must never run: the refusals below happen before any
 * packet leaves, so no test ever sends traffic to a private range.
 */
function neverConnect(connected: string[]): SafeFetchOptions["connect"] {
  return (address) => {
    connected.push(address);
    return Promise.reject(new Error(`connected to ${address}`));
  };
}

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof OutboundError, String(err));
    return err;
  }
  throw new Error("expected a refusal");
}

Deno.test("safe fetch: names resolving to private, link-local, ULA, multicast, unspecified, CGNAT, mapped or loopback addresses are refused before connecting", async () => {
  const answers: Record<string, string[]> = {
    "rfc1918.example": ["10.1.2.3"],
    "home.example": ["192.168.1.10"],
    "corp.example": ["172.20.0.5"],
    "metadata.example": ["169.254.169.254"],
    "ula.example": ["fd12:3456::1"],
    "v6-link.example": ["fe80::1"],
    "multicast.example": ["224.0.0.251"],
    "unspecified.example": ["0.0.0.0"],
    "cgnat.example": ["100.64.0.1"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "loop.example": ["127.0.0.2"],
    "v6-loop.example": ["::1"],
    "mixed.example": ["93.184.215.14", "10.0.0.9"],
  };
  const connected: string[] = [];
  const fetchSafely = createSafeFetcher({
    allowLoopback: false,
    resolve: (name) => Promise.resolve(answers[name] ?? []),
    connect: neverConnect(connected),
  });
  for (const name of Object.keys(answers)) {
    const err = await refusal(fetchSafely(`https://${name}/client.json`));
    assert.equal(err.reason, "address", `${name}: ${err.message}`);
  }
  for (const literal of ["10.0.0.1", "[fd00::1]", "169.254.169.254", "[::1]"]) {
    const err = await refusal(fetchSafely(`https://${literal}/x`));
    assert.equal(err.reason, "address", literal);
  }
  assert.equal(
    (await refusal(fetchSafely("https://localhost/x"))).reason,
    "address",
  );
  assert.deepEqual(connected, [], "nothing was connected to");
});

Deno.test("safe fetch: the development setting admits loopback only, never private ranges", async () => {
  const connected: string[] = [];
  const fetchSafely = createSafeFetcher({
    allowLoopback: true,
    resolve: (name) =>
      Promise.resolve(name === "in.example" ? ["10.0.0.7"] : ["127.0.0.3"]),
    connect: neverConnect(connected),
  });
  const err = await refusal(fetchSafely("https://in.example/x"));
  assert.equal(err.reason, "address");
  // Loopback is let through (to a connect that fails here).
  const loop = await refusal(fetchSafely("https://loop.example/x"));
  assert.equal(loop.reason, "connect");
  assert.deepEqual(connected, ["127.0.0.3"]);
  assert.equal(addressAllowed("10.0.0.7", true), false);
  assert.equal(addressAllowed("127.0.0.3", true), true);
  assert.equal(addressAllowed("93.184.215.14", false), true);
});

Deno.test("safe fetch: a server on 127.0.0.2 is refused by default and fetched over https with the development setting; the connection goes to the checked address (no rebinding)", async () => {
  const server = serveTLS((req) =>
    Response.json({ host: req.headers.get("host") })
  );
  try {
    const strict = createSafeFetcher({
      allowLoopback: false,
      caCerts: [TEST_CA_PEM],
    });
    assert.equal(
      (await refusal(strict(`${server.origin}/doc.json`))).reason,
      "address",
    );
    assert.deepEqual(server.hits, []);
    // A name resolved once, to the loopback address; its certificate is
    // checked against the name, and the request goes to that address.
    let resolutions = 0;
    const dev = createSafeFetcher({
      allowLoopback: true,
      caCerts: [TEST_CA_PEM],
      resolve: () => {
        resolutions++;
        // A rebinding resolver would answer something else the next time.
        return Promise.resolve(
          resolutions === 1 ? ["127.0.0.2"] : ["10.9.9.9"],
        );
      },
    });
    const answer = await dev(`https://rebind.example:${server.port}/doc.json`);
    assert.equal(answer.status, 200);
    assert.equal(answer.address, "127.0.0.2");
    assert.equal(resolutions, 1);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(answer.body)), {
      host: `rebind.example:${server.port}`,
    });
    // Without the CA the certificate is not trusted.
    const untrusted = createSafeFetcher({ allowLoopback: true });
    assert.equal(
      (await refusal(untrusted(`${server.origin}/doc.json`))).reason,
      "connect",
    );
  } finally {
    await server.close();
  }
});

Deno.test("safe fetch: redirects are answered, not followed; bodies over the cap and silent servers are refused", async () => {
  let slowRelease: () => void = () => {};
  const slow = new Promise<void>((r) => slowRelease = r);
  const server = serveTLS(async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/redirect") {
      return new Response(null, {
        status: 302,
        headers: { Location: "/elsewhere" },
      });
    }
    if (path === "/big") return new Response("x".repeat(200_000));
    if (path === "/slow") {
      await slow;
      return new Response("late");
    }
    return new Response("elsewhere");
  });
  try {
    const fetchSafely = createSafeFetcher({
      allowLoopback: true,
      caCerts: [TEST_CA_PEM],
      maxBytes: 64 * 1024,
      timeoutMs: 500,
    });
    const redirect = await fetchSafely(`${server.origin}/redirect`);
    assert.equal(redirect.status, 302);
    assert.deepEqual(server.hits, ["/redirect"], "Location not followed");
    assert.equal(
      (await refusal(fetchSafely(`${server.origin}/big`))).reason,
      "too_large",
    );
    const started = Date.now();
    assert.equal(
      (await refusal(fetchSafely(`${server.origin}/slow`))).reason,
      "timeout",
    );
    assert.ok(Date.now() - started < 3000);
    const connected: string[] = [];
    const plain = createSafeFetcher({
      allowLoopback: true,
      connect: neverConnect(connected),
    });
    assert.equal(
      (await refusal(plain("http://93.184.215.14/x"))).reason,
      "url",
      "plain http only to loopback",
    );
    assert.deepEqual(connected, []);
  } finally {
    slowRelease();
    await server.close();
  }
});
