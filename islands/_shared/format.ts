/** Display helpers for admin pages and islands. Browser-safe. */

/** Epoch seconds as `2025-11-27 13:45 UTC` (stable on server and client). */
export function formatTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return "—";
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Epoch seconds as an ISO 8601 string for `<time datetime>`. */
export function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
