import type { VNode } from "preact";
import type { ErrorPageProps } from "../lib/http/errors.tsx";

/** A plain page for errors a person sees in the browser. */
export function ErrorPage({ status, title, message }: ErrorPageProps): VNode {
  return (
    <section class="card narrow">
      <p class="muted">Error {status}</p>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Go to the start page</a>
      </p>
    </section>
  );
}
