/**
 * Hostile values: strings, numbers and JSON shapes that break parsers,
 * databases and templates. Nothing here may contain what the oracle looks
 * for as a leak (stack frames, file paths, engine names), so an echoed
 * value is never mistaken for one.
 * @module
 */
import type { Random } from "./prng.ts";

export const ONE_MIB = 1024 * 1024;

/** Marks reflected markup: an HTML answer must never carry it unescaped. */
export const XSS_MARKER = '<script>alert("fz")</script>';

/** SQL metacharacters and injection shapes for every string field. */
export const SQL_STRINGS: readonly string[] = [
  "'",
  "''",
  '"',
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE users; --",
  "1); DELETE FROM clients; --",
  "' UNION SELECT password_hash, 1 FROM users --",
  "%",
  "_",
  "%_%",
  "\\",
  "\\'",
  "'||(SELECT 1)||'",
  "$1",
  "?",
  ":name",
  "/* */",
  "`",
  "';SELECT pg_sleep(2);--",
];

/** Strings that are odd for reasons other than SQL. */
export const ODD_STRINGS: readonly string[] = [
  "",
  " ",
  "\t",
  "\u0000",
  "a\u0000b",
  "\u0001\u001f\u007f",
  "\r\n",
  "line\r\nSet-Cookie: sid=evil",
  "é",
  "ümlaut",
  "💥",
  "\u202eevil",
  "\ufeffbom",
  "\ud800",
  "\udfff\ud800",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%2e%2e%2f",
  "../../etc/passwd",
  "..\\..\\windows",
  "..%2f..%2fetc",
  XSS_MARKER,
  "javascript:alert(1)",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-Infinity",
  "-1",
  "0",
  "-0",
  "1e309",
  "9".repeat(400),
  "-9223372036854775809",
  "0x10",
  "true",
  "[object Object]",
  "__proto__",
  "constructor",
  "{}",
  "[]",
  '{"a":1}',
  "a b c",
  "+",
  "a=b&c=d",
];

/** A random string of code points from awkward ranges. */
export function randomUnicode(r: Random, max = 40): string {
  const ranges: [number, number][] = [
    [0x00, 0x1f],
    [0x20, 0x7e],
    [0x7f, 0x9f],
    [0xa0, 0x2ff],
    [0x200b, 0x206f],
    [0xd800, 0xdfff],
    [0xfff0, 0xffff],
    [0x1f300, 0x1f64f],
  ];
  let out = "";
  const n = r.int(max + 1);
  for (let i = 0; i < n; i++) {
    const [lo, hi] = r.pick(ranges);
    out += String.fromCharCode(...codeUnits(lo + r.int(hi - lo + 1)));
  }
  return out;
}

function codeUnits(cp: number): number[] {
  if (cp < 0x10000) return [cp];
  const v = cp - 0x10000;
  return [0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff)];
}

/** Sizes around the 1 MiB body limit and the 2048-character parameter cap. */
export function bigLength(r: Random): number {
  return r.pick([
    2049,
    8193,
    64 * 1024,
    ONE_MIB - 512,
    ONE_MIB,
    ONE_MIB + 1,
    2 * ONE_MIB,
  ]);
}

/** A hostile string: SQL, odd, random unicode or oversized. */
export function hostileString(
  r: Random,
  options: { big?: number } = {},
): string {
  const roll = r.next();
  if (roll < 0.3) return r.pick(SQL_STRINGS);
  if (roll < 0.7) return r.pick(ODD_STRINGS);
  if (roll < 1 - (options.big ?? 0.04)) return randomUnicode(r);
  const n = r.pick([2049, 8193, 70000]);
  return r.pick(["a", "%", "\u0000", "é", "'"]).repeat(n);
}

/** A hostile JSON value of any type (for JSON bodies). */
export function hostileJSONValue(r: Random, depth = 0): unknown {
  const roll = r.next();
  if (roll < 0.35) return hostileString(r);
  if (roll < 0.5) {
    return r.pick([
      0,
      -1,
      1.5,
      -0,
      2 ** 53 + 1,
      -(2 ** 63),
      1e308,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_VALUE,
    ]);
  }
  if (roll < 0.6) return r.pick([null, true, false]);
  if (roll < 0.75 && depth < 3) {
    return Array.from(
      { length: r.int(4) },
      () => hostileJSONValue(r, depth + 1),
    );
  }
  if (roll < 0.85 && depth < 3) {
    const o: Record<string, unknown> = {};
    for (let i = r.int(4); i > 0; i--) {
      // defineProperty: a plain assignment to "__proto__" would set the
      // prototype instead of a key JSON.stringify writes out.
      Object.defineProperty(
        o,
        r.pick(["a", "__proto__", "constructor", "", "\u0000", "sub"]),
        {
          value: hostileJSONValue(r, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        },
      );
    }
    return o;
  }
  return [hostileString(r)];
}

/** Raw JSON texts JSON.parse refuses or that nest absurdly deep. */
export function brokenJSONText(r: Random): string {
  const depth = r.pick([64, 1000, 100_000]);
  return r.pick([
    "{not json",
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":-Infinity}',
    '{"a":1e400}',
    '{"a":-1e400}',
    '{"a":undefined}',
    "{'a':1}",
    '{"a":1,}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"a":1,"a":2}',
    "",
    " ",
    "null",
    "[]",
    '"text"',
    "123",
    "true",
    "\ufeff{}",
    "[".repeat(depth) + "]".repeat(depth),
    '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
    '{"claims":{"x":' + "[".repeat(depth) + "]".repeat(depth) + "}}",
    '{"name":' + "[".repeat(depth) + '"x"' + "]".repeat(depth) + "}",
  ]);
}

/** A deeply nested JSON value (for a field that takes any JSON). */
export function deepValue(depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Percent-encodes like encodeURIComponent, but lone surrogates too (as U+FFFD). */
export function pct(text: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(ch)
      ? ch
      : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
