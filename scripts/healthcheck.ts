/**
 * The container's health check: exits 0 when GET /healthz on this machine
 * answers 200 (the database answers too), 1 otherwise. Used by the
 * Containerfile's HEALTHCHECK and compose.yaml.
 */
const port = Deno.env.get("PORT") ?? "8000";
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(4000),
  });
  await res.body?.cancel();
  Deno.exit(res.ok ? 0 : 1);
} catch {
  Deno.exit(1);
}
