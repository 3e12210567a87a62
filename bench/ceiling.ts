/**
 * The ceiling the server is compared against: a bare `Deno.serve` answering
 * one constant JSON body, on the same core and in the same run as the
 * server. Listens on 127.0.0.1:$PORT until killed.
 * @module
 */

const BODY = JSON.stringify({ ok: true, service: "ceiling" });
const HEADERS = { "Content-Type": "application/json" };

if (import.meta.main) {
  const port = Number(Deno.env.get("PORT") ?? "8080");
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    () => new Response(BODY, { headers: HEADERS }),
  );
}
