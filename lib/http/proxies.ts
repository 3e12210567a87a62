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

import ipaddr from "ipaddr.js";
import { memoize } from "../memo.ts";

/** One trusted network: an address and a prefix length. */
export type ProxyNetwork = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Parses one address: dotted-quad IPv4 (four decimal parts, no leading
 * zeros: `01.2.3.4` is refused, not read as octal), or IPv6 (brackets and
 * a zone allowed). IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is its IPv4 address.
 */
export function parseAddress(
  text: string,
): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.startsWith("[") && text.endsWith("]")
    ? text.slice(1, -1)
    : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (bare.includes(".") && !bare.includes(":")) return null;
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const v6 = ipaddr.IPv6.parse(bare);
  if (v6.isIPv4MappedAddress()) {
    const v4 = v6.toIPv4Address();
    // The dotted tail must itself be a plain dotted quad.
    const tail = bare.slice(bare.lastIndexOf(":") + 1);
    if (tail.includes(".") && !ipaddr.IPv4.isValidFourPartDecimal(tail)) {
      return null;
    }
    return v4;
  }
  return v6;
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
    const bits = parsed?.kind() === "ipv6" ? 128 : 32;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (
      !parsed || extra !== undefined ||
      (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
      prefix > bits
    ) {
      throw new Error(`not an IP address or CIDR network: ${entry}`);
    }
    networks.push([parsed, prefix]);
  }
  return networks;
}

function isTrusted(address: string, networks: ProxyNetwork[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return networks.some(([base, prefix]) =>
    base.kind() === parsed.kind() &&
    parsed.match(base as never, prefix)
  );
}

/**
 * The key an address is counted under in per-address failure budgets:
 * IPv4 as is, IPv6 by its /64 (one customer's network; someone holding a
 * /64 has 2^64 addresses and is still one address here). An address that
 * does not parse is counted as written.
 */
export function budgetAddress(address: string | null): string {
  return address === null ? "unknown" : budgetAddressOf(address);
}

/** Addresses whose budget key a thread remembers (parsing costs ~3 us). */
const REMEMBERED_ADDRESSES = 10_000;

const budgetAddressOf = memoize((address: string): string => {
  const parsed = parseAddress(address.split("%")[0]);
  if (!parsed) return address.slice(0, 100);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${
    ipaddr.IPv6.parse(
      `${parts.map((p) => p.toString(16)).join(":")}::`,
    ).toString()
  }/64`;
}, REMEMBERED_ADDRESSES);

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
