/**
 * Browser side of islands: hydrates every top-level `[data-island]` marker
 * with the component of that name and its JSON props. Bundled into
 * static/islands.js by dev.ts from the generated client.gen.ts.
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";

/** Hydrates the islands on the page from `modules` (name -> module). */
export function hydrateIslands(
  modules: Record<string, Record<string, unknown>>,
): void {
  const markers = document.querySelectorAll<HTMLElement>("[data-island]");
  for (const el of markers) {
    if (el.parentElement?.closest("[data-island]")) continue;
    const [file, exportName = "default"] = (el.dataset.island ?? "").split("#");
    const component = modules[file]?.[exportName] as
      | ComponentType<Record<string, unknown>>
      | undefined;
    if (!component) continue;
    const props = JSON.parse(el.dataset.props ?? "{}");
    hydrate(h(component, props), el);
  }
}
