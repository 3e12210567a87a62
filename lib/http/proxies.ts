/**
 * Which address a request comes from, when the server sits behind proxies
 * or load balancers (TRUSTED_PROXIES). Per-IP failure budgets, the audit log
 * and sign-in limits all key on it: behind an L7 balancer the TCP peer is
 * the balancer, so without this every user would share one budget.
 *
 * Only what a trusted proxy says is believed: when the TCP peer is one of
 * TRUSTED_PROXIES, `X-Forwarded-For` is read from the right (each proxy
 * appends the address it received the request from), skipping trusted
 * hops, and the first untrusted address is the client. Anything a client
 * wrote itself sits to the left of that and is never reached; a request
 * from an untrusted peer is taken at its TCP address whatever it claims.
 * @module
 */

/** One trusted network: an address family and a prefix. */
export interface ProxyNetwork {
  v6: boolean;
  /** The network address as a 32- or 128-bit integer. */
  base: bigint;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIPv4(text: string): bigint | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  let value = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || (m[i].length > 1 && m[i][0] === "0")) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.includes(":::")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): string[] => part === "" ? [] : part.split(":");
  let head = groups(halves[0]);
  let tail = halves.length === 2 ? groups(halves[1]) : [];
  // A trailing dotted quad (::ffff:10.0.0.1) is the last two groups.
  const words: number[] = [];
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: bigint | null = null;
  if (last?.includes(".")) {
    v4 = parseIPv4(last);
    if (v4 === null) return null;
    if (halves.length === 2) tail = tail.slice(0, -1);
    else head = head.slice(0, -1);
  }
  const toWord = (g: string): number | null =>
    /^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : null;
  const headWords = head.map(toWord);
  const tailWords = tail.map(toWord);
  if ([...headWords, ...tailWords].some((w) => w === null)) return null;
  const total = 8 - (v4 === null ? 0 : 2);
  const missing = total - headWords.length - tailWords.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  words.push(...headWords as number[]);
  for (let i = 0; i < missing; i++) words.push(0);
  words.push(...tailWords as number[]);
  let value = 0n;
  for (const w of words) value = (value << 16n) | BigInt(w);
  if (v4 !== null) value = (value << 32n) | v4;
  return value;
}

/** An address as family + integer; IPv4-mapped IPv6 counts as IPv4. */
function parseAddress(text: string): { v6: boolean; value: bigint } | null {
  const bare = text.startsWith("[") && text.endsWith("]")
    ? text.slice(1, -1)
    : text;
  const v4 = parseIPv4(bare);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = parseIPv6(bare.split("%")[0]);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, value: v6 & 0xffffffffn };
  return { v6: true, value: v6 };
}

/**
 * Parses TRUSTED_PROXIES: addresses or CIDR networks, comma-separated
 * (`10.0.0.0/8, 192.168.1.10, fd00::/8`). Throws naming the bad entry.
 */
export function parseTrustedProxies(text: string): ProxyNetwork[] {
  const networks: ProxyNetwork[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [address, prefixText, extra] = entry.split("/");
    const parsed = parseAddress(address);
    const bits = parsed?.v6 ? 128 : 32;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (
      !parsed || extra !== undefined ||
      (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
      prefix > bits
    ) {
      throw new Error(`not an IP address or CIDR network: ${entry}`);
    }
    const shift = BigInt(bits - prefix);
    networks.push({
      v6: parsed.v6,
      base: (parsed.value >> shift) << shift,
      prefix,
    });
  }
  return networks;
}

function isTrusted(address: string, networks: ProxyNetwork[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return networks.some((n) => {
    if (n.v6 !== parsed.v6) return false;
    const shift = BigInt((n.v6 ? 128 : 32) - n.prefix);
    return (parsed.value >> shift) << shift === n.base;
  });
}

/**
 * An X-Forwarded-For entry without the port some proxies append
 * (`192.0.2.1:4711`, `[2001:db8::1]:4711`) and without IPv6 brackets.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? v4[1] : entry;
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy,
 * then the first untrusted address of `X-Forwarded-For` read from the right
 * (or the leftmost, when every hop is trusted). An entry that is not an
 * address stops the walk at the hop that passed it on.
 */
export function clientAddress(
  peer: string | null,
  forwardedFor: string | null,
  networks: ProxyNetwork[],
): string | null {
  if (peer === null || networks.length === 0 || forwardedFor === null) {
    return peer;
  }
  if (!isTrusted(peer, networks)) return peer;
  let current = peer;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = withoutPort(hops[i].trim());
    if (parseAddress(hop) === null) return current;
    current = hop;
    if (!isTrusted(hop, networks)) return hop;
  }
  return current;
}
