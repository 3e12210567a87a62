/**
 * Secrets compare in constant time (RFC 6819 §5.1.4.1.2 / DESIGN "Secrets
 * compare in constant time"). Two checks, both honest about what they are:
 *
 * 1. A unit test of `timingSafeEqual` (lib/security/crypto.ts): it agrees
 *    with `===` on every kind of input, and it is the constant-time one -
 *    its body is one loop over every unit of the longer input that ORs the
 *    units' differences together, with no branch, break, return or
 *    comparison inside it and no early exit before it.
 * 2. A source scan of the files that handle secrets: no `===` / `!==` (or
 *    `==` / `!=`) between two non-literal operands where either names a
 *    secret, hash, token, CSRF value, PKCE verifier or challenge, password
 *    or digest. The scanner skips comments, strings and regular
 *    expressions, and is itself tested on snippets it must and must not
 *    flag. Comparisons with a literal (`=== null`, `typeof x === "string"`)
 *    compare no secret and are allowed. Lookups *by* a SHA-256 digest in
 *    the database (codes, tokens, sessions by id) are not comparisons of a
 *    secret the attacker can probe byte by byte and are out of its scope.
 * @module
 */
import assert from "node:assert/strict";
import { timingSafeEqual } from "../../lib/security/crypto.ts";

const ROOT = new URL("../../", import.meta.url);

/** Files that receive or compare secrets. */
const SECRET_FILES = [
  "lib/security/crypto.ts",
  "lib/security/csrf.ts",
  "lib/security/session.ts",
  "lib/security/password.ts",
  "lib/security/rate_limit.ts",
  "lib/security/app_secret.ts",
  "lib/oauth/clients/authenticate.ts",
  "lib/oauth/pkce.ts",
  "lib/admin/admin_token.ts",
  "lib/admin/admin_auth.ts",
  "lib/admin/admin_login.ts",
];

/** Files whose secret comparisons must go through `timingSafeEqual`. */
const MUST_USE_CONSTANT_TIME = [
  "lib/security/csrf.ts",
  "lib/security/session.ts",
  "lib/oauth/clients/authenticate.ts",
  "lib/oauth/pkce.ts",
  "lib/admin/admin_token.ts",
];

const SECRETISH =
  /secret|hash|token|csrf|verifier|challenge|password|passwd|digest|cookie|presented|stored/i;

/**
 * Blanks out comments, string and template literals and regular expression
 * literals, keeping line structure, so only code is scanned.
 */
function codeOnly(source: string): string {
  let out = "";
  let i = 0;
  // Where a `/` starts a regex rather than a division.
  const regexMayFollow = (prev: string) =>
    prev === "" || /[(,=:[!&|?{};+\-*%<>~^]$/.test(prev) ||
    /\breturn$/.test(prev);
  let lastToken = "";
  while (i < source.length) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && next === "*") {
      i += 2;
      while (
        i < source.length && !(source[i] === "*" && source[i + 1] === "/")
      ) {
        if (source[i] === "\n") out += "\n";
        i++;
      }
      i += 2;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") {
      i++;
      while (i < source.length && source[i] !== ch) {
        if (source[i] === "\\") i++;
        else if (source[i] === "\n") out += "\n";
        i++;
      }
      i++;
      out += '"S"';
      lastToken = '"S"';
      continue;
    }
    if (ch === "/" && regexMayFollow(lastToken.trimEnd())) {
      i++;
      let inClass = false;
      while (i < source.length && (inClass || source[i] !== "/")) {
        if (source[i] === "\\") i++;
        else if (source[i] === "[") inClass = true;
        else if (source[i] === "]") inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(source[i] ?? "")) i++;
      out += "/R/";
      lastToken = "/R/";
      continue;
    }
    out += ch;
    if (!/\s/.test(ch)) lastToken = (lastToken + ch).slice(-8);
    else if (ch === "\n") lastToken = "";
    i++;
  }
  return out;
}

const LITERAL = /^(null|undefined|true|false|-?\d[\d_.]*n?|"S"|\/R\/)$/;

interface Finding {
  line: number;
  text: string;
}

/** Comparisons of two non-literal operands where one names a secret. */
function secretComparisons(source: string): Finding[] {
  const code = codeOnly(source);
  const findings: Finding[] = [];
  const lines = code.split("\n");
  const operand = String.raw`[\w$.\]\[?!]+(?:\([^()]*\))?`;
  const re = new RegExp(`(${operand})\\s*(===|!==|==|!=)\\s*(${operand})`, "g");
  lines.forEach((text, index) => {
    for (const m of text.matchAll(re)) {
      const left = m[1].replace(/^!+/, "");
      const right = m[3];
      if (LITERAL.test(left) || LITERAL.test(right)) continue;
      if (/\btypeof$/.test(text.slice(0, m.index).trimEnd())) continue;
      if (SECRETISH.test(left) || SECRETISH.test(right)) {
        findings.push({ line: index + 1, text: text.trim() });
      }
    }
  });
  return findings;
}

Deno.test("timing-safe: timingSafeEqual agrees with === on equal, unequal, unicode and differently sized inputs", () => {
  const samples = [
    "",
    "a",
    "b",
    "secret",
    "secreT",
    "secret ",
    "é",
    "e\u0301",
    "💥",
    // Lone surrogates: UTF-8 encodes both as U+FFFD, yet they differ.
    "\uD800",
    "\uD801",
    "\u0000",
    "x".repeat(43),
    "x".repeat(42) + "y",
    "x".repeat(4096),
  ];
  for (const a of samples) {
    for (const b of samples) {
      assert.equal(
        timingSafeEqual(a, b),
        a === b,
        `${a.slice(0, 9)} vs ${b.slice(0, 9)}`,
      );
    }
  }
});

Deno.test("timing-safe: timingSafeEqual reads every unit of the longer input and ORs the differences, with no early exit", () => {
  const body = codeOnly(timingSafeEqual.toString());
  // The loop's bound is the longer length, and the lengths' difference
  // starts the accumulator: a shorter input is not a shortcut.
  assert.match(body, /Math\.max\(\s*a\.length,\s*b\.length\s*\)/);
  assert.match(body, /=\s*a\.length\s*\^\s*b\.length/);
  const loops = body.match(/\bfor\b|\bwhile\b|\.every\(|\.some\(/g) ?? [];
  assert.equal(loops.length, 1, "exactly one loop");
  const loop = body.slice(body.indexOf("for"));
  const loopBody = loop.slice(loop.indexOf("{") + 1, loop.indexOf("}"));
  // Each step ORs a XOR of the two units into the accumulator, and nothing
  // in the loop branches or leaves early.
  assert.match(
    loopBody,
    /\|=\s*\(a\.charCodeAt\(i\)[^)]*\)\s*\^\s*\(b\.charCodeAt\(i\)/,
  );
  assert.doesNotMatch(
    loopBody,
    /\bif\b|\bbreak\b|\breturn\b|\bcontinue\b|[=!]==?|\?|&&|\|\|/,
  );
  // Before the loop: no return (every call runs it).
  assert.doesNotMatch(body.slice(0, body.indexOf("for")), /\breturn\b/);
  // After it: the one answer, whether every difference was zero.
  assert.match(
    body.slice(body.indexOf("}") + 1),
    /return\s+difference\s*===\s*0/,
  );
});

Deno.test("timing-safe: the source scanner flags secret comparisons and nothing else", () => {
  const flagged = [
    "if (row.secretHash === presented) ok();",
    "if (sha256(secret) !== row.secret_hash) fail();",
    "return token == stored;",
    "const same = cookie != header;",
    "if (verifier === challenge) {}",
    "if (!(input.password === user.password_hash)) {}",
  ];
  const clean = [
    "if (creds.secret !== null) {}",
    "if (client.secretHash === null) return;",
    'if (typeof token === "string") {}',
    'if (method !== "S256") throw err;',
    "// if (token === stored) {}",
    "/* secret === other */",
    'const s = "token === stored";',
    "const re = /token===stored/;",
    "if (row.kind !== kind) return null;",
    "if (ab.length !== bb.length) {}",
    "if (retries === 3) {}",
  ];
  for (const snippet of flagged) {
    assert.equal(secretComparisons(snippet).length, 1, `must flag: ${snippet}`);
  }
  for (const snippet of clean) {
    assert.deepEqual(
      secretComparisons(snippet),
      [],
      `must not flag: ${snippet}`,
    );
  }
});

Deno.test("timing-safe: no secret, hash or token is compared with === in the files that handle them", async () => {
  const all: string[] = [];
  let comparisons = 0;
  for (const file of SECRET_FILES) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    // The scanner sees the real code: line structure kept, operators there.
    const code = codeOnly(source);
    assert.equal(code.split("\n").length, source.split("\n").length, file);
    comparisons += code.match(/[!=]==?/g)?.length ?? 0;
    for (const f of secretComparisons(source)) {
      all.push(`${file}:${f.line}: ${f.text}`);
    }
  }
  assert.ok(comparisons > 20, `the scan saw ${comparisons} comparisons`);
  assert.deepEqual(all, [], "use timingSafeEqual from lib/security/crypto.ts");
  for (const file of MUST_USE_CONSTANT_TIME) {
    const source = codeOnly(await Deno.readTextFile(new URL(file, ROOT)));
    assert.match(
      source,
      /\btimingSafeEqual\(/,
      `${file} compares with timingSafeEqual`,
    );
  }
});
