/**
 * Small presentational pieces used by server-rendered admin pages and by
 * islands alike: a badge, a table that scrolls inside its card, an empty
 * state.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";

export function Badge(
  { tone, children }: {
    tone: "ok" | "muted" | "warn" | "info";
    children: ComponentChildren;
  },
): VNode {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** A table that scrolls inside its card on narrow screens, never the page. */
export function TableWrap(
  { label, children }: { label: string; children: ComponentChildren },
): VNode {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }): VNode {
  return <p class="empty">{children}</p>;
}
