/** /account/password: a new password, with the current one (or a sign-in moments ago). */
import type { VNode } from "preact";
import type { Message } from "../../lib/i18n/messages.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Form } from "../Form.tsx";
import { FormMessage, Input, NewPasswordFields } from "./fields.tsx";

export interface PasswordPageProps {
  csrf: string;
  /** The session signed in within the last minutes: no current password asked. */
  recent: boolean;
  errors?: Record<string, Message>;
}

export function PasswordPage(props: PasswordPageProps): VNode {
  const { t } = useI18n();
  const errors = props.errors ?? {};
  return (
    <section class="card" aria-labelledby="password">
      <h2 id="password">{t("password_page.title")}</h2>
      <p class="muted">{t("password_page.intro")}</p>
      <FormMessage error={errors[""]} />
      <Form action="/account/password" csrf={props.csrf}>
        <input type="hidden" name="_action" value="password" />
        {props.recent ? <p class="hint">{t("password_page.recent")}</p> : (
          <Input
            name="current_password"
            label={t("password_page.current")}
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
        <button type="submit">{t("password_page.submit")}</button>
      </Form>
    </section>
  );
}
