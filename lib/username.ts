/**
 * Usernames as people see them and as the server compares them. The form
 * shown is kept as entered; the form compared is RFC 8265 §3.3
 * (UsernameCaseMapped profile of the PRECIS IdentifierClass), approximated
 * with what JavaScript has built in:
 *
 * 1. width mapping (§3.3.2 rule 1): fullwidth and halfwidth forms to their
 *    ordinary characters (NFKC applied to U+FF00–U+FFEF only);
 * 2. case mapping (rule 3): `toLowerCase()`, the operation the RFC prefers;
 * 3. normalization (rule 4): NFC.
 *
 * So `Élodie`, `élodie` and `e` + U+0301 + `lodie` are one name. Characters
 * nobody can see or that change how text around them is shown are refused
 * outright (control characters, format characters such as ZWJ, ZWNJ and
 * the bidirectional controls, surrogates, unassigned code points): two
 * names that look the same must not be two accounts.
 * @module
 */

/** Characters a username may never hold (besides white space). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Co}\p{Zl}\p{Zp}]/u;
const WIDTH_FORMS = /[\uFF00-\uFFEF]/g;

/** The compared form of a username (RFC 8265 §3.3.2, see the module note). */
export function canonicalUsername(username: string): string {
  return username
    .replace(WIDTH_FORMS, (ch) => ch.normalize("NFKC"))
    .toLowerCase()
    .normalize("NFC");
}

/**
 * Why a username cannot be registered, as a sentence ending the phrase
 * "username …", or null when it can.
 */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return "must not be empty";
  if (INVISIBLE.test(username)) {
    return "must not contain control or invisible formatting characters (such as zero-width joiners or bidirectional controls)";
  }
  if (/\s/u.test(username)) return "must not contain spaces";
  if (username.length > 100) return "must be at most 100 characters";
  return null;
}
