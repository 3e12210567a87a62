/**
 * The one way this server fetches anything from the network (Client ID
 * Metadata Documents now; jwks_uri and logout URIs later): a GET of an
 * https URL (http only to loopback, with the development setting) whose
 * host name is resolved here, every address checked, and the connection
 * made to the checked address itself, so DNS rebinding between the check
 * and the connection cannot happen. Refused: private (RFC 1918), loopback,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * unique-local (fc00::/7), multicast, unspecified, broadcast, reserved,
 * IPv4-mapped forms of those, and a name that resolves to any of them. The
 * answer is capped in size and time; redirects are never followed (the
 * 3xx is the answer). `allowLoopback` (OUTBOUND_ALLOW_LOOPBACK, for
 * development and tests) admits loopback addresses only, never the rest.
 * @module
 */
import ipaddr from "ipaddr.js";

/** Why a fetch was refused or failed; `message` is safe to show an admin. */
export class OutboundError extends Error {
  override name = "OutboundError";
  constructor(
    readonly reason:
      | "url"
      | "resolve"
      | "address"
      | "connect"
      | "timeout"
      | "too_large"
      | "protocol",
    message: string,
  ) {
    super(message);
  }
}

export interface SafeFetchOptions {
  /** Admit loopback addresses (development and tests only). */
  allowLoopback: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a development CA. */
  caCerts?: string[];
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number;
  /** The largest body accepted. */
  maxBytes?: number;
  /** Name resolution (default: Deno.resolveDns, A and AAAA). */
  resolve?: (hostname: string) => Promise<string[]>;
  /** The TCP connection to a checked address (tests observe it). */
  connect?: (address: string, port: number) => Promise<Deno.Conn>;
}

export interface FetchedResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The address actually connected to. */
  address: string;
}

export type SafeFetcher = (
  url: string,
  init?: {
    accept?: string;
    /** A smaller or larger cap than the fetcher's for this fetch. */
    maxBytes?: number;
  },
) => Promise<FetchedResponse>;

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

/** Resolves A and AAAA records; a name with neither is an error. */
async function resolveDns(hostname: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  const addresses = [
    ...(v4.status === "fulfilled" ? v4.value : []),
    ...(v6.status === "fulfilled" ? v6.value : []),
  ];
  return addresses;
}

/**
 * The range an address belongs to, as ipaddr.js names it (`unicast` is a
 * public address); IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function addressRange(address: string): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "invalid";
  }
  if (
    parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
  ) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range();
}

/** Whether the fetcher may connect to `address`. */
export function addressAllowed(
  address: string,
  allowLoopback: boolean,
): boolean {
  const range = addressRange(address);
  return range === "unicast" || (allowLoopback && range === "loopback");
}

function hostOf(url: URL): string {
  // URL keeps brackets around IPv6 literals.
  return url.hostname.replace(/^\[|\]$/g, "");
}

async function addressesOf(
  url: URL,
  resolve: (hostname: string) => Promise<string[]>,
): Promise<string[]> {
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return [host];
  // Never sent to DNS: localhost is loopback by definition (RFC 6761 §6.3).
  if (host === "localhost" || host.endsWith(".localhost")) return ["127.0.0.1"];
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new OutboundError("resolve", `${host} could not be resolved: ${err}`);
  }
  if (addresses.length === 0) {
    throw new OutboundError("resolve", `${host} has no address`);
  }
  return addresses;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Reads the whole response (Connection: close), at most `limit` bytes. */
async function readAll(conn: Deno.Conn, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const buffer = new Uint8Array(16 * 1024);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) break;
    size += n;
    if (size > limit) {
      throw new OutboundError("too_large", `the answer exceeds ${limit} bytes`);
    }
    chunks.push(buffer.slice(0, n));
  }
  return concat(chunks, size);
}

function indexOfCRLFCRLF(data: Uint8Array): number {
  for (let i = 0; i + 3 < data.length; i++) {
    if (
      data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 &&
      data[i + 3] === 10
    ) return i;
  }
  return -1;
}

/** RFC 9112 §7.1: chunked transfer coding. */
function dechunk(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let at = 0;
  const decoder = new TextDecoder();
  for (;;) {
    let end = at;
    while (
      end + 1 < data.length && !(data[end] === 13 && data[end + 1] === 10)
    ) {
      end++;
    }
    if (end + 1 >= data.length) {
      throw new OutboundError("protocol", "truncated chunked body");
    }
    const length = parseInt(
      decoder.decode(data.subarray(at, end)).split(";")[0],
      16,
    );
    if (!Number.isFinite(length) || length < 0) {
      throw new OutboundError("protocol", "malformed chunk size");
    }
    at = end + 2;
    if (length === 0) break;
    if (at + length > data.length) {
      throw new OutboundError("protocol", "truncated chunk");
    }
    chunks.push(data.subarray(at, at + length));
    size += length;
    at += length + 2;
  }
  return concat(chunks, size);
}

/** Parses an HTTP/1.1 response read to its end. */
function parseResponse(
  raw: Uint8Array,
  address: string,
): FetchedResponse {
  const split = indexOfCRLFCRLF(raw);
  if (split < 0 || split > MAX_HEADER_BYTES) {
    throw new OutboundError("protocol", "malformed or oversized headers");
  }
  const head = new TextDecoder().decode(raw.subarray(0, split)).split("\r\n");
  const status = head[0].match(/^HTTP\/1\.[01] (\d{3})/);
  if (!status) throw new OutboundError("protocol", "not an HTTP/1.1 answer");
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new OutboundError("protocol", "malformed header");
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      throw new OutboundError("protocol", "malformed header");
    }
  }
  let body = raw.subarray(split + 4);
  if (/\bchunked\b/i.test(headers.get("Transfer-Encoding") ?? "")) {
    body = dechunk(body);
  } else if (headers.has("Content-Length")) {
    const length = Number(headers.get("Content-Length"));
    if (!Number.isInteger(length) || length < 0 || length > body.length) {
      throw new OutboundError("protocol", "body shorter than Content-Length");
    }
    body = body.subarray(0, length);
  }
  return { status: Number(status[1]), headers, body, address };
}

/**
 * A fetcher with these limits.
 *
 * @example
 * ```ts
 * const fetchSafely = createSafeFetcher({ allowLoopback: false });
 * const answer = await fetchSafely("https://app.example/client.json");
 * ```
 */
export function createSafeFetcher(options: SafeFetchOptions): SafeFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const resolve = options.resolve ?? resolveDns;
  const connect = options.connect ??
    ((hostname: string, port: number) =>
      Deno.connect({ hostname, port, transport: "tcp" }));
  return async function safeFetch(target, init = {}) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new OutboundError("url", "not an absolute URL");
    }
    if (url.username || url.password) {
      throw new OutboundError("url", "URLs with credentials are not fetched");
    }
    const tls = url.protocol === "https:";
    if (!tls && !(url.protocol === "http:" && options.allowLoopback)) {
      throw new OutboundError("url", "only https URLs are fetched");
    }
    const addresses = await addressesOf(url, resolve);
    // Every address the name has must be allowed: a name that also points
    // inside would be a way in on the next resolution.
    const refused = addresses.find((a) =>
      !addressAllowed(a, options.allowLoopback)
    );
    if (refused !== undefined) {
      throw new OutboundError(
        "address",
        `${hostOf(url)} resolves to ${refused} (${
          addressRange(refused)
        }), which is not fetched`,
      );
    }
    if (!tls && addresses.some((a) => addressRange(a) !== "loopback")) {
      throw new OutboundError("url", "only https URLs are fetched");
    }
    const address = addresses[0];
    const port = Number(url.port || (tls ? 443 : 80));
    let conn: Deno.Conn | null = null;
    let expire: (err: OutboundError) => void = () => {};
    const deadline = new Promise<never>((_, reject) => expire = reject);
    const timer = setTimeout(() => {
      expire(new OutboundError("timeout", `no answer in ${timeoutMs} ms`));
      try {
        conn?.close();
      } catch { /* already closed */ }
    }, timeoutMs);
    try {
      const exchange = (async () => {
        let tcp: Deno.Conn;
        try {
          tcp = await connect(address, port);
        } catch (err) {
          throw new OutboundError("connect", `could not connect: ${err}`);
        }
        conn = tcp;
        if (tls) {
          try {
            conn = await Deno.startTls(tcp as Deno.TcpConn, {
              hostname: hostOf(url),
              caCerts: options.caCerts,
            });
          } catch (err) {
            throw new OutboundError("connect", `TLS failed: ${err}`);
          }
        }
        const hostHeader = url.port
          ? `${url.hostname}:${url.port}`
          : url.hostname;
        const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\n` +
          `Host: ${hostHeader}\r\n` +
          `Accept: ${init.accept ?? "application/json"}\r\n` +
          "Accept-Encoding: identity\r\n" +
          "User-Agent: deno-oauth-server\r\n" +
          "Connection: close\r\n\r\n";
        const bytes = new TextEncoder().encode(request);
        let written = 0;
        while (written < bytes.length) {
          written += await conn.write(bytes.subarray(written));
        }
        const limit = init.maxBytes ?? maxBytes;
        const raw = await readAll(conn, limit + MAX_HEADER_BYTES);
        const answer = parseResponse(raw, address);
        if (answer.body.length > limit) {
          throw new OutboundError(
            "too_large",
            `the answer exceeds ${limit} bytes`,
          );
        }
        return answer;
      })();
      exchange.catch(() => {});
      return await Promise.race([exchange, deadline]);
    } catch (err) {
      if (err instanceof OutboundError) throw err;
      throw new OutboundError("connect", `the exchange failed: ${err}`);
    } finally {
      clearTimeout(timer);
      try {
        (conn as Deno.Conn | null)?.close();
      } catch { /* already closed */ }
    }
  };
}
