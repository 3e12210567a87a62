/**
 * Islands, Fresh-style: a component from islands/ used in a page renders on
 * the server inside a marker element carrying its name and JSON props; the
 * browser bundle (static/islands.js) hydrates each marker. A page that used
 * no island gets no script tag. Registration happens once, from the manifest.
 * @module
 */
import { type ComponentType, h, options, type VNode } from "preact";

/** The marker element around each island's server-rendered HTML. */
export const ISLAND_TAG = "island-root";
const ISLAND_NAMES = new Map<ComponentType<unknown>, string>();
let insideIsland = 0;
let usedInRender = false;

/** Marks every exported component of an island module (called at startup). */
export function registerIslands(modules: Record<string, unknown>): void {
  for (const [path, mod] of Object.entries(modules)) {
    const base = islandName(path);
    for (const [exportName, value] of Object.entries(mod as object)) {
      if (typeof value !== "function") continue;
      ISLAND_NAMES.set(
        value as ComponentType<unknown>,
        exportName === "default" ? base : `${base}#${exportName}`,
      );
    }
  }
}

/** `./islands/CopyButton.tsx` -> `CopyButton`. */
export function islandName(path: string): string {
  return path.replace(/^.*\/islands\//, "").replace(/\.[jt]sx?$/, "");
}

interface WrapperProps {
  island: string;
  component: ComponentType<Record<string, unknown>>;
  props: Record<string, unknown>;
}

function IslandWrapper(
  { island, component, props }: WrapperProps,
): VNode {
  usedInRender = true;
  insideIsland++;
  try {
    const { children: _children, ...serialisable } = props;
    // A custom element, not a div: a div would close an enclosing <p> in
    // the browser's parser and move the island out of its place. No inline
    // style (the CSP allows none): static/app.css gives [data-island]
    // `display: contents`, so the marker adds no box.
    const marker: Record<string, unknown> = {
      "data-island": island,
      "data-props": JSON.stringify(serialisable),
    };
    return h(ISLAND_TAG, marker, h(component, props)) as VNode;
  } finally {
    insideIsland--;
  }
}

const previousVNodeHook = options.vnode;
options.vnode = (vnode: VNode) => {
  const type = vnode.type as ComponentType<unknown>;
  if (typeof type === "function" && insideIsland === 0) {
    const island = ISLAND_NAMES.get(type);
    if (island) {
      const props = vnode.props as Record<string, unknown>;
      vnode.type = IslandWrapper as ComponentType<unknown>;
      vnode.props = { island, component: type, props } as never;
    }
  }
  previousVNodeHook?.(vnode);
};

/** Runs a synchronous render and reports whether it used any island. */
export function trackIslands<T>(render: () => T): { result: T; used: boolean } {
  usedInRender = false;
  const result = render();
  const used = usedInRender;
  usedInRender = false;
  return { result, used };
}
