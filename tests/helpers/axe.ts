/**
 * An axe-core accessibility pass for any browser test: load axe into the
 * page under test and report what it finds at WCAG 2.1 levels A and AA.
 *
 * Our pages send `script-src 'self'`, so axe cannot arrive as an inline
 * `<script>` (Playwright's `addScriptTag({ content })` is refused by the
 * CSP, as it should be). `page.evaluate` runs the source through the
 * DevTools protocol, which the page's CSP does not govern, so the page is
 * tested exactly as it is served, CSP included.
 *
 * @example
 * ```ts
 * await page.goto(`${t.base}/admin/ui/keys`);
 * await assertAccessible(page, "keys page");
 * ```
 * @module
 */
import axe from "axe-core";
import type { Page } from "playwright-core";

/** The axe rule tags of WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_21_AA: readonly string[] = [
  "wcag2a",
  "wcag2aa",
  "wcag21a",
  "wcag21aa",
];

/** One failed rule and the elements that fail it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary: string }[];
}

export interface AxeOptions {
  /** Rule tags to run (default: WCAG 2.1 A and AA). */
  tags?: readonly string[];
  /** A CSS selector to test instead of the whole document. */
  include?: string;
}

/** Loads axe-core into the page's current document, once. */
async function injectAxe(page: Page): Promise<void> {
  const present = await page.evaluate(() => "axe" in globalThis);
  if (!present) await page.evaluate(axe.source);
}

/**
 * The WCAG violations axe finds on the page as it is now (after whatever
 * the caller waited for: islands hydrated, a dialog open).
 */
export async function axeViolations(
  page: Page,
  options: AxeOptions = {},
): Promise<AxeViolation[]> {
  await injectAxe(page);
  const tags = [...(options.tags ?? WCAG_21_AA)];
  return await page.evaluate(
    async ({ tags, include }) => {
      // deno-lint-ignore no-explicit-any
      const axe = (globalThis as any).axe;
      const results = await axe.run(include ?? document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      });
      // deno-lint-ignore no-explicit-any
      return results.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        // deno-lint-ignore no-explicit-any
        nodes: v.nodes.map((n: any) => ({
          target: n.target.map(String),
          html: n.html,
          failureSummary: n.failureSummary ?? "",
        })),
      }));
    },
    { tags, include: options.include },
  );
}

/** A readable list of violations: rule, help, and each failing element. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.map((n) =>
      `  ${n.target.join(" ")}\n    ${n.html}\n    ${
        n.failureSummary.replaceAll("\n", "\n    ")
      }`
    ).join("\n")
  ).join("\n");
}

/**
 * Fails with every violation listed when axe finds any on the page.
 * `label` names the page in the message.
 */
export async function assertAccessible(
  page: Page,
  label: string,
  options: AxeOptions = {},
): Promise<void> {
  const violations = await axeViolations(page, options);
  if (violations.length === 0) return;
  const count = violations.reduce((n, v) => n + v.nodes.length, 0);
  throw new Error(
    `${label} (${page.url()}): ${count} accessibility violation(s) at WCAG 2.1 AA\n${
      formatViolations(violations)
    }`,
  );
}
