/**
 * The second step of a sign-in (lib/oauth/authorize/outcome.ts
 * SecondFactorPage): a passkey, a code from the authenticator app, or a
 * recovery code, whichever the user has that reaches what the client
 * needs; or, with none set up, the way to set one up. The forms post back
 * to /authorize. The sign-in checks were just passed, so prompt=login,
 * select_account and max_age are not carried on (as on the consent page).
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { ACR_MFA, rankOf } from "../lib/accounts/factors/levels.ts";
import { useI18n } from "../lib/i18n/translator.ts";
import { ACTION_FIELD } from "../lib/oauth/authorize/endpoint.ts";
import type { SecondFactorPage } from "../lib/oauth/authorize/outcome.ts";
import {
  HiddenParams,
  PasskeyChoice,
  withoutPrompts,
} from "./AuthorizationForms.tsx";
import { Form } from "./Form.tsx";

/** The authenticator app's 6-digit code, as phones autofill it. */
export function TOTPField({ id }: { id: string }): VNode {
  const { t } = useI18n();
  return (
    <>
      <label for={id}>{t("factor.totp_label")}</label>
      <input
        id={id}
        name="code"
        type="text"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        maxLength={7}
        required
      />
    </>
  );
}

/** A recovery code, behind a disclosure (it is the way out, not the way in). */
export function RecoveryCodeField(
  { id, children }: { id: string; children: ComponentChildren },
): VNode {
  const { t } = useI18n();
  return (
    <details class="recovery">
      <summary>{t("factor.recovery_summary")}</summary>
      {children}
      <label for={id}>{t("factor.recovery_label")}</label>
      <input
        id={id}
        name="code"
        type="text"
        autocomplete="off"
        spellcheck={false}
        maxLength={20}
        required
      />
      <p class="hint">{t("factor.recovery_hint")}</p>
      <button type="submit" class="secondary">
        {t("factor.recovery_submit")}
      </button>
    </details>
  );
}

export interface SecondFactorFormProps {
  page: SecondFactorPage;
  csrf: string;
}

export function SecondFactorForm(
  { page, csrf }: SecondFactorFormProps,
): VNode {
  const { t, text, rich } = useI18n();
  const { request, user, methods } = page;
  const params = withoutPrompts(request.params, ["login", "select_account"]);
  delete params.max_age;
  const passkeyOnly = rankOf(page.required) > rankOf(ACR_MFA);
  const none = !methods.totp && !methods.recoveryCode && !methods.passkey;
  return (
    <section class="card narrow">
      <h1>{t("second_factor.title")}</h1>
      <p class="muted">
        {rich(
          passkeyOnly ? "second_factor.asks_passkey" : "second_factor.asks",
          {
            client: <strong>{request.client.name}</strong>,
            username: <strong>{user.username}</strong>,
          },
        )}
      </p>
      {page.error && <p class="error" role="alert">{text(page.error)}</p>}
      {methods.passkey && (
        <PasskeyChoice
          offer={page.passkey}
          csrf={csrf}
          params={params}
          autofill={false}
          label={t("factor.use_passkey")}
        />
      )}
      {methods.passkey && page.passkey?.state === "unavailable" && (
        <p class="muted">{text(page.passkey.reason)}</p>
      )}
      {methods.totp && (
        <Form action="/authorize" csrf={csrf}>
          <HiddenParams params={params} />
          <input type="hidden" name={ACTION_FIELD} value="totp" />
          <TOTPField id="totp-code" />
          <button type="submit">{t("factor.verify")}</button>
        </Form>
      )}
      {methods.recoveryCode && (
        <Form action="/authorize" csrf={csrf}>
          <RecoveryCodeField id="recovery-code">
            <HiddenParams params={params} />
            <input type="hidden" name={ACTION_FIELD} value="recovery_code" />
          </RecoveryCodeField>
        </Form>
      )}
      {none && (
        <>
          <p>
            {rich(
              passkeyOnly ? "second_factor.none_passkey" : "second_factor.none",
              {
                link: (
                  <a href="/account/security" target="_blank">
                    {t("second_factor.security_page")}
                  </a>
                ),
              },
            )}
          </p>
          <Form action="/authorize" csrf={csrf}>
            <HiddenParams params={params} />
            <button type="submit">{t("second_factor.continue")}</button>
          </Form>
        </>
      )}
    </section>
  );
}
