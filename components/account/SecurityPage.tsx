/**
 * /account/security: passkeys, authenticator app (TOTP) and recovery codes
 * of the signed-in person (lib/accounts/factors/account_security.ts holds
 * the rules). Every form posts to the page; islands only run WebAuthn.
 * @module
 */
import type { VNode } from "preact";
import PasskeyRegister from "../../islands/PasskeyRegister.tsx";
import PasskeySignIn from "../../islands/PasskeySignIn.tsx";
import {
  SECURITY_PATH,
  type SecurityView,
} from "../../lib/accounts/factors/account_security.ts";
import type { PasskeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import { Form } from "../Form.tsx";
import { RecoveryCodeField, TOTPField } from "../SecondFactorForm.tsx";

export interface SecurityPageProps {
  view: SecurityView;
  csrf: string;
  notice?: string;
  /** The issuer, for the sentence on what passkeys need. */
  issuer: string;
}

function when(at: number | null): string {
  if (at === null) return "never";
  return new Date(at * 1000).toISOString().replace("T", " ").slice(0, 16) +
    " UTC";
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
  if (offer?.state !== "ready") return null;
  return (
    <PasskeySignIn
      csrf={csrf}
      action={SECURITY_PATH}
      fields={{ _action: "verify_passkey" }}
      options={offer.options}
      label="Use a passkey"
    />
  );
}

/** Rule 1: a second factor before anything else. */
function StepUp({ view, csrf }: { view: SecurityView; csrf: string }): VNode {
  return (
    <section class="card narrow" aria-labelledby="step-up">
      <h2 id="step-up">Confirm it's you</h2>
      <p>
        Your account has a second factor. Confirm it before changing how you
        sign in.
      </p>
      <VerifyPasskey offer={view.verifyPasskey} csrf={csrf} />
      {view.factors.totp && (
        <Form action={SECURITY_PATH} csrf={csrf}>
          <input type="hidden" name="_action" value="verify_totp" />
          <TOTPField id="verify-code" />
          <button type="submit">Verify</button>
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
  return (
    <section class="card narrow" aria-labelledby="reauth">
      <h2 id="reauth">Confirm your password</h2>
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
        <label for="reauth-password">Password</label>
        <input
          id="reauth-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Confirm</button>
      </Form>
      <VerifyPasskey offer={view.verifyPasskey} csrf={csrf} />
    </section>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }): VNode {
  return (
    <section class="card recovery-codes" aria-labelledby="codes">
      <h2 id="codes">Your recovery codes</h2>
      <p>
        <strong>Save these now: they are shown only once.</strong>{" "}
        Each one signs you in once if you lose your authenticator or passkeys.
      </p>
      <ol class="codes mono" id="recovery-code-list">
        {codes.map((code) => <li key={code}>{code}</li>)}
      </ol>
      <p>
        <a class="button" href={SECURITY_PATH}>I have saved them</a>
      </p>
    </section>
  );
}

function Passkeys(
  { view, csrf, issuer }: { view: SecurityView; csrf: string; issuer: string },
): VNode {
  const setup = view.passkeySetup;
  return (
    <section class="card" aria-labelledby="passkeys">
      <h2 id="passkeys">Passkeys</h2>
      <p class="muted">
        Sign in with your device's screen lock or a security key instead of a
        password. Passkeys cannot be phished: they only work on this site.
      </p>
      {view.passkeys.length === 0
        ? <p class="empty">No passkeys yet.</p>
        : (
          <ul class="factor-list">
            {view.passkeys.map((p) => (
              <li key={p.id}>
                <Form action={SECURITY_PATH} csrf={csrf} class="rename">
                  <input type="hidden" name="_action" value="passkey_rename" />
                  <input type="hidden" name="credential_id" value={p.id} />
                  <label for={`name-${p.id}`} class="sr-only">
                    Name of passkey {p.name}
                  </label>
                  <input
                    id={`name-${p.id}`}
                    name="name"
                    type="text"
                    value={p.name}
                    maxLength={60}
                    required
                  />
                  <button type="submit" class="secondary">Rename</button>
                </Form>
                <p class="muted small">
                  {p.synced ? "Synced passkey" : "Device-bound passkey"}. Added
                  {" "}
                  {when(p.created_at)}, last used {when(p.last_used_at)}.
                </p>
                <Action
                  csrf={csrf}
                  action="passkey_delete"
                  label={`Delete ${p.name}`}
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
        />
      )}
      {setup.state === "elsewhere" && (
        <p class="notice">
          Passkeys need a domain name, and this page was opened at an IP
          address. Open <a href={setup.href}>{setup.origin}/account/security</a>
          {" "}
          (the same server) to add or use passkeys.
        </p>
      )}
      {setup.state === "unavailable" && (
        <p class="form-error">
          Passkeys are off on this server: {setup.reason}
        </p>
      )}
      <p class="muted small">
        Passkeys are bound to the server's address (ISSUER, now{" "}
        <code>{issuer}</code>): a deployment needs an https ISSUER on a domain
        name (<code>https://id.example.com</code>); locally,{" "}
        <code>http://localhost:PORT</code>. Changing the domain later means
        adding passkeys again.
      </p>
    </section>
  );
}

function Authenticator(
  { view, csrf }: { view: SecurityView; csrf: string },
): VNode {
  const enrolment = view.totpEnrolment;
  return (
    <section class="card" aria-labelledby="totp">
      <h2 id="totp">Authenticator app</h2>
      {view.factors.totp
        ? (
          <>
            <p>
              On: signing in asks for a code from your app when an app needs a
              second factor.
            </p>
            <Action
              csrf={csrf}
              action="totp_disable"
              label="Turn off authenticator app"
              tone="danger"
            />
          </>
        )
        : enrolment
        ? (
          <>
            <p>
              Scan this code with your authenticator app, or enter the key by
              hand, then type the 6-digit code it shows.
            </p>
            <img
              class="qr"
              src={enrolment.qr}
              width={200}
              height={200}
              alt="QR code for your authenticator app"
            />
            <p>
              Key: <code class="mono" id="totp-key">{enrolment.key}</code>
            </p>
            <Form action={SECURITY_PATH} csrf={csrf}>
              <input type="hidden" name="_action" value="totp_confirm" />
              <TOTPField id="totp-confirm" />
              <button type="submit">Turn on</button>
            </Form>
            <Action
              csrf={csrf}
              action="totp_cancel"
              label="Cancel"
              tone="secondary"
            />
          </>
        )
        : (
          <>
            <p class="muted">
              Use an app such as a password manager or an authenticator to make
              one-time codes.
            </p>
            <Action csrf={csrf} action="totp_start" label="Set up" />
          </>
        )}
    </section>
  );
}

function Recovery({ view, csrf }: { view: SecurityView; csrf: string }): VNode {
  const has = view.factors.totp || view.factors.passkeys > 0;
  return (
    <section class="card" aria-labelledby="recovery">
      <h2 id="recovery">Recovery codes</h2>
      {has
        ? (
          <>
            <p>
              {view.factors.recoveryCodes}{" "}
              of 10 unused. Each works once in place of your second factor.
            </p>
            <Action
              csrf={csrf}
              action="recovery_regenerate"
              label="Make new recovery codes"
              tone="secondary"
            />
          </>
        )
        : (
          <p class="muted">
            You get ten recovery codes when you add an authenticator app or a
            passkey.
          </p>
        )}
    </section>
  );
}

export function SecurityPage(
  { view, csrf, notice, issuer }: SecurityPageProps,
): VNode {
  return (
    <>
      <h2>Sign-in and security</h2>
      <p class="muted">
        This session signed in with: {view.amr.join(", ") || "password"}.
      </p>
      {notice && <p class="notice" role="status">{notice}</p>}
      {view.error && <p class="form-error" role="alert">{view.error}</p>}
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
