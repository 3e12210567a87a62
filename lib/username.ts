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

/** What can be wrong with a username, by rule. */
export type UsernameIssue = "empty" | "invisible" | "space" | "too_long";

/** The first rule a username breaks, or null when it can be registered. */
export function usernameIssue(username: string): UsernameIssue | null {
  if (username.length === 0) return "empty";
  if (INVISIBLE.test(username)) return "invisible";
  if (/\s/u.test(username)) return "space";
  if (username.length > 100) return "too_long";
  return null;
}

const USERNAME_PROBLEMS: Record<UsernameIssue, string> = {
  empty: "must not be empty",
  invisible:
    "must not contain control or invisible formatting characters (such as zero-width joiners or bidirectional controls)",
  space: "must not contain spaces",
  too_long: "must be at most 100 characters",
};

/**
 * Why a username cannot be registered, as a sentence ending the phrase
 * "username …" (the admin API's words), or null when it can.
 */
export function usernameProblem(username: string): string | null {
  const issue = usernameIssue(username);
  return issue ? USERNAME_PROBLEMS[issue] : null;
}
