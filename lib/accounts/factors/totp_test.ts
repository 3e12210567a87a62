import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import {
  base32Decode,
  base32Encode,
  generateTOTPSecret,
  hotp,
  matchingStep,
  otpauthURI,
  timeStep,
  totpCode,
} from "./totp.ts";

const RFC_SECRET = new TextEncoder().encode("12345678901234567890");

Deno.test("totp: RFC 4226 Appendix D HOTP values", () => {
  const expected = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
  ];
  expected.forEach((code, counter) =>
    assert.equal(hotp(RFC_SECRET, counter), code)
  );
});

Deno.test("totp: RFC 6238 Appendix B SHA-1 values (8 digits)", () => {
  const vectors: [number, string][] = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];
  for (const [time, code] of vectors) {
    assert.equal(hotp(RFC_SECRET, timeStep(time), 8), code);
  }
});

Deno.test("totp: base32 round trip and RFC 4648 §10 vectors", () => {
  const enc = new TextEncoder();
  assert.equal(base32Encode(enc.encode("foobar")), "MZXW6YTBOI");
  assert.equal(base32Encode(enc.encode("f")), "MY");
  assert.deepEqual(base32Decode("mzxw 6ytb oi======"), enc.encode("foobar"));
  const secret = generateTOTPSecret();
  assert.equal(secret.length, 32);
  assert.equal(base32Encode(base32Decode(secret)), secret);
  assert.throws(() => base32Decode("01"));
});

Deno.test("totp: codes agree with the otpauth library (an independent implementation)", () => {
  const secret = generateTOTPSecret();
  const oracle = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
  });
  for (const at of [0, 1_700_000_000, 1_700_000_029, 1_700_000_030]) {
    assert.equal(
      totpCode(secret, at),
      oracle.generate({ timestamp: at * 1000 }),
    );
  }
  const parsed = OTPAuth.URI.parse(otpauthURI(secret, "id.example", "alice"));
  assert.equal(parsed.issuer, "id.example");
  assert.equal(parsed.label, "alice");
  assert.equal((parsed as OTPAuth.TOTP).secret.base32, secret);
});

Deno.test("totp: the window is one step either side, and a used step is refused", () => {
  const secret = generateTOTPSecret();
  const now = 1_700_000_015;
  const step = timeStep(now);
  assert.equal(matchingStep(secret, totpCode(secret, now), now, 0), step);
  assert.equal(
    matchingStep(secret, totpCode(secret, now - 30), now, 0),
    step - 1,
  );
  assert.equal(
    matchingStep(secret, totpCode(secret, now + 30), now, 0),
    step + 1,
  );
  assert.equal(matchingStep(secret, totpCode(secret, now - 60), now, 0), null);
  assert.equal(matchingStep(secret, totpCode(secret, now), now, step), null);
  // A later code is still fine after an earlier one was used.
  assert.equal(
    matchingStep(secret, totpCode(secret, now + 30), now, step),
    step + 1,
  );
  const spaced = totpCode(secret, now).replace(/(\d{3})/, "$1 ");
  assert.equal(matchingStep(secret, spaced, now, 0), step);
  assert.equal(matchingStep(secret, "12345", now, 0), null);
  assert.equal(matchingStep(secret, "abcdef", now, 0), null);
});
