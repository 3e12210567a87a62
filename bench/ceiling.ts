/**
 * The ceiling the server is compared against: a bare Deno HTTP server
 * answering one constant JSON body, in the same run and on the same cores as
 * the server. Run with `deno serve` (one thread, like WORKERS=1) or
 * `deno serve --parallel` with DENO_JOBS=N (N threads sharing the port, like
 * WORKERS=N); see bench/servers.ts.
 * @module
 */

const BODY = JSON.stringify({ ok: true, service: "ceiling" });
const HEADERS = { "Content-Type": "application/json" };

export default {
  fetch(): Response {
    return new Response(BODY, { headers: HEADERS });
  },
} satisfies Deno.ServeDefaultExport;
