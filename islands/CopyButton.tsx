import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface CopyButtonProps {
  /** The text put on the clipboard. */
  text: string;
  label?: string;
}

/** Copies `text` to the clipboard and says so. */
export default function CopyButton(
  { text, label = "Copy" }: CopyButtonProps,
): VNode {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <button
      type="button"
      class="secondary"
      onClick={copy}
      disabled={!ready}
      data-hydrated={ready ? "true" : undefined}
      aria-live="polite"
    >
      {state === "copied"
        ? "Copied"
        : state === "failed"
        ? "Copy failed: select the text"
        : label}
    </button>
  );
}
