/**
 * The account steps of the sign-in flow (/authorize): forgot password,
 * create an account (also prompt=create), the new password an admin asked
 * for, and notices. Each form carries the authorization request on in
 * hidden fields; "Back to sign in" posts it back without `create`.
 * Server-only.
 * @module
 */
import type { VNode } from "preact";
import type {
  AccountNoticePage,
  ChangePasswordPage,
  ForgotPasswordPage,
  RegisterPage,
} from "../../lib/oauth/authorize/outcome.ts";
import type { AuthorizationRequest } from "../../lib/oauth/authorize/request.ts";
import { ACTION_FIELD } from "../../lib/oauth/authorize/endpoint.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import {
  HiddenParams,
  StepLink,
  ToContinue,
  withoutPrompts,
} from "../AuthorizationForms.tsx";
import { Form } from "../Form.tsx";
import {
  ChangePasswordBody,
  ForgotPasswordBody,
  FormMessage,
  RegisterFields,
} from "./fields.tsx";

/** The request without prompt=create (the account exists, or is not wanted). */
function signInParams(request: AuthorizationRequest): Record<string, string> {
  return withoutPrompts(request.params, ["create"]);
}

function BackToSignIn(
  { request, csrf }: { request: AuthorizationRequest; csrf: string },
): VNode {
  const { t } = useI18n();
  return (
    <p class="step-links">
      <StepLink
        request={request}
        csrf={csrf}
        action="sign_in"
        label={t("flow.back_to_sign_in")}
        params={signInParams(request)}
      />
    </p>
  );
}

export function ForgotPasswordForm(
  { page, csrf, available }: {
    page: ForgotPasswordPage;
    csrf: string;
    /** Mail is configured. */
    available: boolean;
  },
): VNode {
  const { t } = useI18n();
  const { request } = page;
  return (
    <section class="card narrow">
      <h1>{t("forgot.title")}</h1>
      <ForgotPasswordBody
        csrf={csrf}
        action="/authorize"
        available={available}
        sent={page.sent}
        error={page.error}
        identifier={page.identifier}
      >
        <HiddenParams params={signInParams(request)} />
        <input type="hidden" name={ACTION_FIELD} value="send_reset" />
      </ForgotPasswordBody>
      <BackToSignIn request={request} csrf={csrf} />
    </section>
  );
}

export function RegisterForm(
  { page, csrf, mode, emailRequired }: {
    page: RegisterPage;
    csrf: string;
    mode: "off" | "open" | "invite";
    emailRequired: boolean;
  },
): VNode {
  const { t } = useI18n();
  const { request } = page;
  return (
    <section class="card narrow">
      <h1>{t("register.title")}</h1>
      <ToContinue request={request} />
      {mode === "off" ? <p>{t("register.off")}</p> : (
        <>
          <FormMessage error={page.errors[""]} />
          <Form action="/authorize" csrf={csrf}>
            <HiddenParams params={signInParams(request)} />
            <input type="hidden" name={ACTION_FIELD} value="register" />
            <RegisterFields
              values={page.values}
              errors={page.errors}
              invite={mode === "invite" ? "ask" : "none"}
              emailRequired={emailRequired}
            />
            <button type="submit">{t("register.submit")}</button>
          </Form>
        </>
      )}
      <BackToSignIn request={request} csrf={csrf} />
    </section>
  );
}

export function ChangePasswordForm(
  { page, csrf }: { page: ChangePasswordPage; csrf: string },
): VNode {
  return (
    <section class="card narrow">
      <ChangePasswordBody
        csrf={csrf}
        action="/authorize"
        username={page.username}
        error={page.error}
      >
        <HiddenParams params={signInParams(page.request)} />
        <input type="hidden" name={ACTION_FIELD} value="change_password" />
        <input type="hidden" name="ticket" value={page.ticket} />
      </ChangePasswordBody>
    </section>
  );
}

export function AccountNoticeForm(
  { page, csrf }: { page: AccountNoticePage; csrf: string },
): VNode {
  const { text } = useI18n();
  return (
    <section class="card narrow">
      <h1>{text(page.title)}</h1>
      <p role="status">{text(page.message)}</p>
      <BackToSignIn request={page.request} csrf={csrf} />
    </section>
  );
}
