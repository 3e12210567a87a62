/**
 * What the CLI prints for a person: aligned tables, `key: value` records,
 * times as UTC ISO 8601. `--json` bypasses all of this.
 * @module
 */

export type Cell = string | number | boolean | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined || value === "") return "-";
  return String(value);
}

/**
 * Columns padded to their widest cell, headers upper-cased; a table with no
 * rows prints the headers and "(none)".
 * @example
 * table(["kid", "alg"], [["k1", "RS256"]]);
 * // "KID  ALG\nk1   RS256\n"
 */
export function table(headers: string[], rows: Cell[][]): string {
  const lines = [
    headers.map((h) => h.toUpperCase()),
    ...rows.map((row) => row.map(cellText)),
  ];
  const widths = headers.map((_, i) =>
    Math.max(...lines.map((line) => line[i]?.length ?? 0))
  );
  const out = lines.map((line) =>
    line.map((cell, i) => i === line.length - 1 ? cell : cell.padEnd(widths[i]))
      .join("  ")
  );
  if (rows.length === 0) out.push("(none)");
  return `${out.join("\n")}\n`;
}

/** One `key: value` line per entry, keys aligned. */
export function record(entries: [string, Cell][]): string {
  const width = Math.max(...entries.map(([k]) => k.length)) + 1;
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width)} ${cellText(v)}`)
    .join("\n") + "\n";
}

/** Epoch seconds as `2025-01-02T03:04:05Z`; null as null. */
export function time(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A list as a space-separated cell. */
export function list(values: readonly string[] | undefined): string {
  return (values ?? []).join(" ");
}
