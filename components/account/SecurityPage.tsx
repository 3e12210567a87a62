/**
 * /account/security: passkeys, authenticator app (TOTP) and recovery codes
 * of the signed-in person (lib/accounts/factors/account_security.ts holds
 * the rules). Every form posts to the page; islands only run WebAuthn.
 * @module
 */
import type { VNode } from "preact";
import PasskeyRegister, {
  type PasskeyRegisterTexts,
} from "../../islands/PasskeyRegister.tsx";
import PasskeySignIn from "../../islands/PasskeySignIn.tsx";
import {
  SECURITY_PATH,
  type SecurityView,
} from "../../lib/accounts/factors/account_security.ts";
import type { PasskeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import type { MessageKey } from "../../lib/i18n/messages.ts";
import { type Translator, useI18n } from "../../lib/i18n/translator.ts";
import { passkeySignInTexts } from "../AuthorizationForms.tsx";
import { Form } from "../Form.tsx";
import { RecoveryCodeField, TOTPField } from "../SecondFactorForm.tsx";

export interface SecurityPageProps {
  view: SecurityView;
  csrf: string;
  notice?: MessageKey;
  /** The issuer, for the sentence on what passkeys need. */
  issuer: string;
}

function when(at: number | null, t: Translator["t"]): string {
  if (at === null) return t("security.never");
  return new Date(at * 1000).toISOString().replace("T", " ").slice(0, 16) +
    " UTC";
}

function registerTexts(t: Translator["t"]): PasskeyRegisterTexts {
  return {
    nameLabel: t("security.passkey_name"),
    namePlaceholder: t("security.passkey_name_example"),
    submit: t("security.passkey_add"),
    unsupported: t("passkey.island.unsupported"),
    exists: t("passkey.island.exists"),
    closed: t("passkey.island.closed"),
    failed: t("passkey.island.create_failed"),
  };
}

function Action(
  { csrf, action, label, tone, fields = {} }: {
    csrf: string;
    action: string;
    label: string;
    tone?: "secondary" | "danger";
    fields?: Record<string, string>;
  },
): VNode {
  return (
    <Form action={SECURITY_PATH} csrf={csrf} class="inline">
      <input type="hidden" name="_action" value={action} />
      {Object.entries(fields).map(([k, v]) => (
        <input type="hidden" name={k} value={v} key={k} />
      ))}
      <button type="submit" class={tone}>{label}</button>
    </Form>
  );
}

function VerifyPasskey(
  { offer, csrf }: { offer?: PasskeyOffer; csrf: string },
): VNode | null {
  const { t } = useI18n();
  if (offer?.state !== "ready") return null;
  return (
    <PasskeySignIn
      csrf={csrf}
      action={SECURITY_PATH}
      fields={{ _action: "verify_passkey" }}
      options={offer.options}
      label={t("factor.use_passkey")}
      texts={passkeySignInTexts(t)}
    />
  );
}

/** Rule 1: a second factor before anything else. */
function StepUp({ view, csrf }: { view: SecurityView; csrf: string }): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow" aria-labelledby="step-up">
      <h2 id="step-up">{t("second_factor.title")}</h2>
      <p>{t("security.step_up")}</p>
      <VerifyPasskey offer={view.verifyPasskey} csrf={csrf} />
      {view.factors.totp && (
        <Form action={SECURITY_PATH} csrf={csrf}>
          <input type="hidden" name="_action" value="verify_totp" />
          <TOTPField id="verify-code" />
          <button type="submit">{t("factor.verify")}</button>
        </Form>
      )}
      {view.factors.recoveryCodes > 0 && (
        <Form action={SECURITY_PATH} csrf={csrf}>
          <RecoveryCodeField id="verify-recovery">
            <input type="hidden" name="_action" value="verify_recovery" />
          </RecoveryCodeField>
        </Form>
      )}
    </section>
  );
}

/** Rule 2: the password (or a passkey) again before a protective change. */
function Reauth({ view, csrf }: { view: SecurityView; csrf: string }): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow" aria-labelledby="reauth">
      <h2 id="reauth">{t("security.reauth")}</h2>
      <Form action={SECURITY_PATH} csrf={csrf}>
        <input type="hidden" name="_action" value="reauth" />
        <input
          type="text"
          name="username"
          autocomplete="username"
          value={view.username}
          hidden
          readOnly
        />
        <label for="reauth-password">{t("field.password")}</label>
        <input
          id="reauth-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">{t("security.confirm")}</button>
      </Form>
      <VerifyPasskey offer={view.verifyPasskey} csrf={csrf} />
    </section>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }): VNode {
  const { t } = useI18n();
  return (
    <section class="card recovery-codes" aria-labelledby="codes">
      <h2 id="codes">{t("security.codes.title")}</h2>
      <p>
        <strong>{t("security.codes.save")}</strong> {t("security.codes.use")}
      </p>
      <ol class="codes mono" id="recovery-code-list">
        {codes.map((code) => <li key={code}>{code}</li>)}
      </ol>
      <p>
        <a class="button" href={SECURITY_PATH}>{t("security.codes.saved")}</a>
      </p>
    </section>
  );
}

function Passkeys(
  { view, csrf, issuer }: { view: SecurityView; csrf: string; issuer: string },
): VNode {
  const { t, text, rich } = useI18n();
  const setup = view.passkeySetup;
  return (
    <section class="card" aria-labelledby="passkeys">
      <h2 id="passkeys">{t("security.passkeys")}</h2>
      <p class="muted">{t("security.passkeys.intro")}</p>
      {view.passkeys.length === 0
        ? <p class="empty">{t("security.passkeys.none")}</p>
        : (
          <ul class="factor-list">
            {view.passkeys.map((p) => (
              <li key={p.id}>
                <Form action={SECURITY_PATH} csrf={csrf} class="rename">
                  <input type="hidden" name="_action" value="passkey_rename" />
                  <input type="hidden" name="credential_id" value={p.id} />
                  <label for={`name-${p.id}`} class="sr-only">
                    {t("security.passkey.name_of", { name: p.name })}
                  </label>
                  <input
                    id={`name-${p.id}`}
                    name="name"
                    type="text"
                    value={p.name}
                    maxLength={60}
                    required
                  />
                  <button type="submit" class="secondary">
                    {t("security.passkey.rename")}
                  </button>
                </Form>
                <p class="muted small">
                  {t(
                    p.synced
                      ? "security.passkey.synced"
                      : "security.passkey.device_bound",
                    {
                      added: when(p.created_at, t),
                      used: when(p.last_used_at, t),
                    },
                  )}
                </p>
                <Action
                  csrf={csrf}
                  action="passkey_delete"
                  label={t("security.passkey.delete", { name: p.name })}
                  tone="danger"
                  fields={{ credential_id: p.id }}
                />
              </li>
            ))}
          </ul>
        )}
      {setup.state === "ready" && (
        <PasskeyRegister
          csrf={csrf}
          action={SECURITY_PATH}
          options={setup.registration}
          texts={registerTexts(t)}
        />
      )}
      {setup.state === "elsewhere" && (
        <p class="notice">
          {rich("security.passkeys.elsewhere", {
            link: <a href={setup.href}>{setup.origin}/account/security</a>,
          })}
        </p>
      )}
      {setup.state === "unavailable" && (
        <p class="form-error">
          {t("security.passkeys.off", { reason: text(setup.reason) })}
        </p>
      )}
      <p class="muted small">
        {rich("security.passkeys.bound", {
          issuer: <code>{issuer}</code>,
          example: <code>https://id.example.com</code>,
          local: <code>http://localhost:PORT</code>,
        })}
      </p>
    </section>
  );
}

function Authenticator(
  { view, csrf }: { view: SecurityView; csrf: string },
): VNode {
  const { t } = useI18n();
  const enrolment = view.totpEnrolment;
  return (
    <section class="card" aria-labelledby="totp">
      <h2 id="totp">{t("security.totp")}</h2>
      {view.factors.totp
        ? (
          <>
            <p>{t("security.totp.on")}</p>
            <Action
              csrf={csrf}
              action="totp_disable"
              label={t("security.totp.disable")}
              tone="danger"
            />
          </>
        )
        : enrolment
        ? (
          <>
            <p>{t("security.totp.scan")}</p>
            <img
              class="qr"
              src={enrolment.qr}
              width={200}
              height={200}
              alt={t("security.totp.qr_alt")}
            />
            <p>
              {t("security.totp.key")}{" "}
              <code class="mono" id="totp-key">{enrolment.key}</code>
            </p>
            <Form action={SECURITY_PATH} csrf={csrf}>
              <input type="hidden" name="_action" value="totp_confirm" />
              <TOTPField id="totp-confirm" />
              <button type="submit">{t("security.totp.turn_on")}</button>
            </Form>
            <Action
              csrf={csrf}
              action="totp_cancel"
              label={t("security.totp.cancel")}
              tone="secondary"
            />
          </>
        )
        : (
          <>
            <p class="muted">{t("security.totp.intro")}</p>
            <Action
              csrf={csrf}
              action="totp_start"
              label={t("security.totp.set_up")}
            />
          </>
        )}
    </section>
  );
}

function Recovery({ view, csrf }: { view: SecurityView; csrf: string }): VNode {
  const { t } = useI18n();
  const has = view.factors.totp || view.factors.passkeys > 0;
  return (
    <section class="card" aria-labelledby="recovery">
      <h2 id="recovery">{t("security.recovery")}</h2>
      {has
        ? (
          <>
            <p>
              {t("security.recovery.left", {
                count: view.factors.recoveryCodes,
                total: 10,
              })}
            </p>
            <Action
              csrf={csrf}
              action="recovery_regenerate"
              label={t("security.recovery.regenerate")}
              tone="secondary"
            />
          </>
        )
        : <p class="muted">{t("security.recovery.none")}</p>}
    </section>
  );
}

export function SecurityPage(
  { view, csrf, notice, issuer }: SecurityPageProps,
): VNode {
  const { t, text } = useI18n();
  return (
    <>
      <h2>{t("security.title")}</h2>
      <p class="muted">
        {t("security.session_amr", {
          methods: view.amr.join(", ") || t("security.amr_password"),
        })}
      </p>
      {notice && <p class="notice" role="status">{text({ key: notice })}</p>}
      {view.error && <p class="form-error" role="alert">{text(view.error)}</p>}
      {view.recoveryCodes && <RecoveryCodes codes={view.recoveryCodes} />}
      {view.stepUp ? <StepUp view={view} csrf={csrf} /> : (
        <>
          {view.reauth && <Reauth view={view} csrf={csrf} />}
          <Passkeys view={view} csrf={csrf} issuer={issuer} />
          <div class="grid-2">
            <Authenticator view={view} csrf={csrf} />
            <Recovery view={view} csrf={csrf} />
          </div>
        </>
      )}
    </>
  );
}
