import type { VNode } from "preact";
import { useI18n } from "../lib/i18n/translator.ts";
import { Form } from "./Form.tsx";

/** Shown after logout when there is no registered place to return to. */
export function SignedOut(): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("logout.signed_out.title")}</h1>
      <p>{t("logout.signed_out.body")}</p>
      <p>
        <a href="/">{t("error.home")}</a>
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
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("logout.confirm.title")}</h1>
      <p>{t("logout.confirm.body")}</p>
      <Form action={action} csrf={csrf}>
        {Object.entries(params).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <div class="actions">
          <button type="submit">{t("logout.confirm.submit")}</button>
          <a class="button secondary" href="/">{t("logout.confirm.stay")}</a>
        </div>
      </Form>
    </section>
  );
}
