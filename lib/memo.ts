/**
 * Remembering a pure function of a string for the inputs a hot path sees
 * again and again (the addresses and client ids of budget counters): up to
 * `limit` distinct inputs, then all forgotten at once, so a flood of new
 * inputs costs what it cost without the memo and never grows memory.
 * @module
 */

/** `fn`, remembered for up to `limit` distinct inputs at a time. */
export function memoize<T>(
  fn: (input: string) => T,
  limit: number,
): (input: string) => T {
  const known = new Map<string, T>();
  return (input) => {
    const hit = known.get(input);
    if (hit !== undefined || known.has(input)) return hit as T;
    const value = fn(input);
    if (known.size >= limit) known.clear();
    known.set(input, value);
    return value;
  };
}
