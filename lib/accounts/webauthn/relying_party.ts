/**
 * Who we are to WebAuthn: the Relying Party ID and the origin passkeys are
 * bound to, derived from ISSUER (never from a request).
 *
 * WebAuthn Level 3 §5.1.4.1 / §13.4.9: the RP ID must be a registrable
 * domain suffix of the page's effective domain, and an IP address is no
 * domain: browsers refuse `rp.id = "127.0.0.1"` ("This is an invalid
 * domain"). WebAuthn also needs a secure context: https, or
 * http://localhost. So:
 *
 * - ISSUER with a domain name over https (or `http://localhost…`): the RP
 *   ID is its host and passkeys are bound to its origin.
 * - ISSUER on a loopback IP (the default `http://127.0.0.1:8000`): the RP
 *   ID is `localhost` and the origin `http://localhost:<port>`, the same
 *   server by another name (loopback only, so nothing off this machine can
 *   answer for it). Pages opened at 127.0.0.1 link to it.
 * - Any other IP address, or plain http to a domain: no passkeys, and the
 *   pages say why and what ISSUER would work.
 * @module
 */
import ipaddr from "ipaddr.js";
import { type Message, message } from "../../i18n/messages.ts";

export type RelyingParty =
  | {
    available: true;
    /** WebAuthn RP ID (§5.1.4.1). */
    id: string;
    /** The one origin clientDataJSON may name (§7.1 step 9). */
    origin: string;
    /** The name authenticators show. */
    name: string;
    /** True when the origin is localhost standing in for a loopback IP issuer. */
    alias: boolean;
  }
  | { available: false; reason: Message };

function ipLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = host.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : null;
}

/** The relying party an issuer URL makes. */
export function relyingParty(issuer: string): RelyingParty {
  const url = new URL(issuer);
  const host = url.hostname;
  const ip = ipLiteral(host);
  const port = url.port ? `:${url.port}` : "";
  if (ip && ip.range() === "loopback" && url.protocol === "http:") {
    return {
      available: true,
      id: "localhost",
      origin: `http://localhost${port}`,
      name: `localhost${port}`,
      alias: true,
    };
  }
  if (ip) {
    return {
      available: false,
      reason: message("passkey.off.ip_issuer", { origin: url.origin }),
    };
  }
  const local = host === "localhost" || host.endsWith(".localhost");
  if (url.protocol !== "https:" && !local) {
    return {
      available: false,
      reason: message("passkey.off.http_issuer", { origin: url.origin }),
    };
  }
  return {
    available: true,
    id: host,
    origin: url.origin,
    name: host,
    alias: false,
  };
}

/** What a page can offer, given the host it was opened at. */
export type PasskeyPageState =
  | { state: "ready"; rp: Extract<RelyingParty, { available: true }> }
  /** Passkeys work on this server, at another address (`href`). */
  | { state: "elsewhere"; href: string; origin: string }
  | { state: "unavailable"; reason: Message };

/**
 * Whether a page served for `requestURL` can run WebAuthn itself. Only the
 * loopback alias depends on the request (127.0.0.1 or localhost); every
 * other setup serves pages at the issuer's origin.
 */
export function passkeyPageState(
  rp: RelyingParty,
  requestURL: string,
): PasskeyPageState {
  if (!rp.available) return { state: "unavailable", reason: rp.reason };
  if (!rp.alias) return { state: "ready", rp };
  const url = new URL(requestURL);
  if (url.hostname === "localhost") return { state: "ready", rp };
  return {
    state: "elsewhere",
    href: `${rp.origin}${url.pathname}${url.search}`,
    origin: rp.origin,
  };
}
