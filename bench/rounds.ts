/**
 * `--rounds N`: each scenario measured N times, ours and the peer
 * alternating (ours, peer, ours, peer, ...), so a neighbour that comes or
 * goes during a row moves both halves alike. A row reports its median
 * round; errors are never hidden by the choice.
 * @module
 */
import type { Measurement } from "./scenarios.ts";

/**
 * The round with the median rate (the lower middle of an even count), its
 * errors replaced by the errors of all rounds. A round that could not run
 * (no rate) is the answer: a failure is not outvoted.
 */
export function medianRound(rounds: Measurement[]): Measurement {
  if (rounds.length === 0) throw new Error("no rounds measured");
  const failed = rounds.find((m) => m.rate === null);
  const errors = rounds.reduce((sum, m) => sum + m.errors, 0);
  if (failed) return { ...failed, errors };
  const sorted = rounds.toSorted((a, b) => a.rate! - b.rate!);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], errors };
}
