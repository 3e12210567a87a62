import type { VNode } from "preact";

/** Shown after logout when there is no registered place to return to. */
export function SignedOut(): VNode {
  return (
    <section class="card narrow">
      <h1>You are signed out</h1>
      <p>Your session on this server has ended. You can close this window.</p>
      <p>
        <a href="/">Go to the start page</a>
      </p>
    </section>
  );
}
