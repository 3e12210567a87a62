/**
 * Small presentational pieces used by server-rendered admin pages and by
 * islands alike: a badge, a table that scrolls inside its card (and one
 * that also stacks its cells on narrow screens, with its header), an empty
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

/**
 * A scrolling table whose rows stack on narrow screens (`table.stack`: each
 * cell shows its column from `data-label`), with its column headers and,
 * with `actions`, a last header column for row buttons named for screen
 * readers. `children` are the body's rows.
 */
export function StackTable(
  { label, columns, actions, children }: {
    label: string;
    columns: readonly string[];
    actions?: boolean;
    children: ComponentChildren;
  },
): VNode {
  return (
    <TableWrap label={label}>
      <table class="stack">
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
            {actions && (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableWrap>
  );
}

export function Empty({ children }: { children: ComponentChildren }): VNode {
  return <p class="empty">{children}</p>;
}
