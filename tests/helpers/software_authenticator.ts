/**
 * A software WebAuthn authenticator for in-process tests and the load
 * generator: an ES256 key pair in WebCrypto and hand-built
 * authenticatorData, attestationObject ("none" attestation, CBOR) and
 * clientDataJSON (WebAuthn Level 3 §6.1, §6.5.4, §5.8.1), so the server's
 * @simplewebauthn verification sees what a real authenticator sends.
 * @module
 */
import { createHash } from "node:crypto";

function b64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

// ----------------------------------------------------- CBOR (RFC 8949), tiny

type CBOR = number | string | Uint8Array | Map<number | string, CBOR>;

function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  return Uint8Array.of((major << 5) | 25, n >> 8, n & 255);
}

function cbor(value: CBOR): Uint8Array {
  if (typeof value === "number") {
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return concat(...parts);
}

/** ECDSA r||s (WebCrypto) to the ASN.1 DER WebAuthn expects for ES256. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.subarray(i);
    if (v[0] & 0x80) v = concat(Uint8Array.of(0), v);
    return concat(Uint8Array.of(0x02, v.length), v);
  };
  const body = concat(int(raw.subarray(0, 32)), int(raw.subarray(32)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftwareAuthenticatorOptions {
  rpID: string;
  origin: string;
  /** A synced passkey (backup eligible and backed up). */
  synced?: boolean;
  /**
   * Keep the signature counter at 0, as synced passkeys do (then
   * concurrent assertions of one passkey cannot arrive out of order).
   */
  zeroCounter?: boolean;
}

/** A passkey as JSON (the bench's fixture file carries it). */
export interface SoftwarePasskeyState {
  options: SoftwareAuthenticatorOptions;
  credentialID: string;
  userHandle: string | null;
  privateJWK: JsonWebKey;
  publicJWK: JsonWebKey;
}

/** One passkey held in software. */
export class SoftwarePasskey {
  credentialID = crypto.getRandomValues(new Uint8Array(16));
  counter = 0;
  userHandle: string | null = null;

  private constructor(
    readonly keys: CryptoKeyPair,
    readonly options: SoftwareAuthenticatorOptions,
  ) {}

  static async create(
    options: SoftwareAuthenticatorOptions,
  ): Promise<SoftwarePasskey> {
    const keys = await crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" },
      true,
      ["sign", "verify"],
    ) as CryptoKeyPair;
    return new SoftwarePasskey(keys, options);
  }

  get id(): string {
    return b64url(this.credentialID);
  }

  async state(): Promise<SoftwarePasskeyState> {
    return {
      options: this.options,
      credentialID: this.id,
      userHandle: this.userHandle,
      privateJWK: await crypto.subtle.exportKey("jwk", this.keys.privateKey),
      publicJWK: await crypto.subtle.exportKey("jwk", this.keys.publicKey),
    };
  }

  static async fromState(
    state: SoftwarePasskeyState,
  ): Promise<SoftwarePasskey> {
    const algorithm = { name: "ECDSA", namedCurve: "P-256" };
    const keys = {
      privateKey: await crypto.subtle.importKey(
        "jwk",
        state.privateJWK,
        algorithm,
        true,
        ["sign"],
      ),
      publicKey: await crypto.subtle.importKey(
        "jwk",
        state.publicJWK,
        algorithm,
        true,
        ["verify"],
      ),
    };
    const passkey = new SoftwarePasskey(keys, state.options);
    passkey.credentialID = new Uint8Array(fromB64url(state.credentialID));
    passkey.userHandle = state.userHandle;
    return passkey;
  }

  #flags(extra: number): number {
    const backup = this.options.synced ? FLAG_BE | FLAG_BS : 0;
    return FLAG_UP | FLAG_UV | backup | extra;
  }

  #clientData(type: string, challenge: string): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({
      type,
      challenge,
      origin: this.options.origin,
      crossOrigin: false,
    }));
  }

  /** The JSON `startRegistration()` would answer for `options`. */
  async register(
    options: { challenge: string; user: { id: string } },
  ): Promise<Record<string, unknown>> {
    this.userHandle = options.user.id;
    const jwk = await crypto.subtle.exportKey("jwk", this.keys.publicKey);
    const cose = cbor(
      new Map<number, CBOR>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, fromB64url(jwk.x!)],
        [-3, fromB64url(jwk.y!)],
      ]),
    );
    const counter = new Uint8Array(4);
    const authData = concat(
      sha256(this.options.rpID),
      Uint8Array.of(this.#flags(FLAG_AT)),
      counter,
      new Uint8Array(16),
      Uint8Array.of(0, this.credentialID.length),
      this.credentialID,
      cose,
    );
    const attestationObject = cbor(
      new Map<string, CBOR>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(
          this.#clientData("webauthn.create", options.challenge),
        ),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** The JSON `startAuthentication()` would answer for `options`. */
  async assert(
    options: { challenge: string },
  ): Promise<Record<string, unknown>> {
    if (!this.options.zeroCounter) this.counter++;
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, this.counter);
    const authData = concat(
      sha256(this.options.rpID),
      Uint8Array.of(this.#flags(0)),
      counter,
    );
    const clientData = this.#clientData("webauthn.get", options.challenge);
    const signed = concat(authData, sha256(clientData));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        this.keys.privateKey,
        signed,
      ),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}

/** The island's props a page carries (`data-props`), parsed. */
export function islandProps(
  html: string,
  island: string,
): Record<string, unknown> | null {
  const m = html.match(
    new RegExp(`data-island="${island}" data-props="([^"]*)"`),
  );
  if (!m) return null;
  const json = m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return JSON.parse(json);
}
