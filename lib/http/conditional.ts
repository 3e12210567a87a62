/**
 * Conditional GET for the public documents relying parties poll (discovery,
 * JWKS): an `ETag` on every answer and `304 Not Modified` when the client
 * already holds that version (RFC 9110 §8.8.3, §13.1.2, §15.4.5), so a
 * revalidation costs no body.
 * @module
 */

/**
 * Whether `If-None-Match` names `etag`. RFC 9110 §13.1.2: "A recipient MUST
 * use the weak comparison function when comparing entity tags for
 * If-None-Match", and `*` matches any current representation.
 */
export function matchesETag(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === opaque;
  });
}

/**
 * `json` with `etag` and `headers`, or a 304 with the same validators and
 * caching headers when the request's `If-None-Match` names `etag`. RFC 9110
 * §15.4.5: the server "MUST generate any of the following header fields
 * that would have been sent in a 200 (OK) response to the same request:
 * Content-Location, Date, ETag, and Vary; Cache-Control and Expires".
 */
export function conditionalJSON(
  req: Request,
  json: string,
  etag: string,
  headers: Record<string, string>,
): Response {
  if (matchesETag(req.headers.get("If-None-Match"), etag)) {
    const { "Content-Type": _type, ...kept } = headers;
    return new Response(null, {
      status: 304,
      headers: { ...kept, ETag: etag },
    });
  }
  return new Response(json, { headers: { ...headers, ETag: etag } });
}
