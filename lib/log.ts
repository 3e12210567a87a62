/**
 * Structured logging: one JSON object per line. Callers pass fields, never
 * tokens, secrets or passwords; request lines carry the path without query.
 * @module
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

/** Writes JSON lines to stdout (info/debug) and stderr (warn/error). */
export function createConsoleLogger(): Logger {
  return {
    log(level, msg, fields) {
      const line = JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg,
        ...fields,
      });
      if (level === "error" || level === "warn") console.error(line);
      else console.log(line);
    },
  };
}

/** Keeps lines in memory; tests read them to prove nothing secret is logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log(level, msg, fields) {
      lines.push(JSON.stringify({ level, msg, ...fields }));
    },
  };
}
