import type { VNode } from "preact";
import { Form } from "./Form.tsx";

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

export interface LogoutConfirmProps {
  action: string;
  csrf: string;
  params: Record<string, string>;
}

/** Asks before ending the session (RP-Initiated Logout 1.0 §2). */
export function LogoutConfirm(
  { action, csrf, params }: LogoutConfirmProps,
): VNode {
  return (
    <section class="card narrow">
      <h1>Sign out?</h1>
      <p>An application asked to sign you out of this server.</p>
      <Form action={action} csrf={csrf}>
        {Object.entries(params).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <div class="actions">
          <button type="submit">Sign out</button>
          <a class="button secondary" href="/">Stay signed in</a>
        </div>
      </Form>
    </section>
  );
}
