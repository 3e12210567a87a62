/** /account/password: a new password, with the current one (or a sign-in moments ago). */
import type { VNode } from "preact";
import { Form } from "../Form.tsx";
import { FormMessage, Input, NewPasswordFields } from "./fields.tsx";

export interface PasswordPageProps {
  csrf: string;
  /** The session signed in within the last minutes: no current password asked. */
  recent: boolean;
  errors?: Record<string, string>;
}

export function PasswordPage(props: PasswordPageProps): VNode {
  const errors = props.errors ?? {};
  return (
    <section class="card" aria-labelledby="password">
      <h2 id="password">Change your password</h2>
      <p class="muted">
        Changing it signs out your other sessions and the apps signed in through
        them.
      </p>
      <FormMessage error={errors[""]} />
      <Form action="/account/password" csrf={props.csrf}>
        <input type="hidden" name="_action" value="password" />
        {props.recent
          ? (
            <p class="hint">
              You signed in a moment ago, so your current password is not
              needed.
            </p>
          )
          : (
            <Input
              name="current_password"
              label="Current password"
              type="password"
              autocomplete="current-password"
              required
              autofocus
              error={errors.current_password}
            />
          )}
        <NewPasswordFields
          error={errors.new_password}
          autofocus={props.recent}
        />
        <button type="submit">Change password</button>
      </Form>
    </section>
  );
}
