import type { VNode } from "preact";
import PasskeySignIn, {
  type PasskeySignInTexts,
} from "../islands/PasskeySignIn.tsx";
import type { PasskeyOffer } from "../lib/accounts/webauthn/offer.ts";
import type { ScopeRow, UserRow } from "../lib/db/schema.ts";
import type { Message } from "../lib/i18n/messages.ts";
import { type Translator, useI18n } from "../lib/i18n/translator.ts";
import { ACTION_FIELD } from "../lib/oauth/authorize/endpoint.ts";
import type { AuthorizationRequest } from "../lib/oauth/authorize/request.ts";
import { DEFAULT_SCOPES } from "../lib/oidc/default_scopes.ts";
import { Form } from "./Form.tsx";

/** The authorization request's parameters as hidden fields. */
export function HiddenParams(
  { params }: { params: Record<string, string> },
): VNode {
  return (
    <>
      {Object.entries(params).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
    </>
  );
}

/** What the sign-in page offers besides signing in (from the server's settings). */
export interface AccountOffers {
  /** Mail is configured: "Forgot password?". */
  recovery: boolean;
  /** Registration is on: "Create an account". */
  registration: boolean;
}

export interface LoginFormProps {
  request: AuthorizationRequest;
  csrf: string;
  error?: Message;
  username?: string;
  passkey?: PasskeyOffer;
  offers?: AccountOffers;
}

/** What the passkey island says, in the page's language (it runs in the browser). */
export function passkeySignInTexts(
  t: Translator["t"],
): PasskeySignInTexts {
  return {
    closed: t("passkey.island.closed"),
    refused: t("passkey.island.refused"),
    failed: t("passkey.island.failed"),
    unsupported: t("passkey.island.unsupported"),
  };
}

/**
 * A button that posts the request on to another step of the flow
 * (`_action`), looking like a link.
 */
export function StepLink(
  { request, csrf, action, label, params }: {
    request: AuthorizationRequest;
    csrf: string;
    action: string;
    label: string;
    params?: Record<string, string>;
  },
): VNode {
  return (
    <Form action="/authorize" csrf={csrf} class="inline">
      <HiddenParams params={params ?? request.params} />
      <input type="hidden" name={ACTION_FIELD} value={action} />
      <button type="submit" class="link">{label}</button>
    </Form>
  );
}

export interface PasskeyChoiceProps {
  offer: PasskeyOffer | undefined;
  csrf: string;
  /** The fields the assertion is posted with. */
  params: Record<string, string>;
  autofill: boolean;
  label: string;
  /** Where the assertion is posted (default /authorize). */
  action?: string;
}

/**
 * The passkey way in: the button (and autofill) where this page can run
 * WebAuthn, else a link to the address where it can.
 */
export function PasskeyChoice(
  { offer, csrf, params, autofill, label, action }: PasskeyChoiceProps,
): VNode | null {
  const { t, rich } = useI18n();
  if (offer?.state === "ready") {
    return (
      <PasskeySignIn
        csrf={csrf}
        action={action ?? "/authorize"}
        fields={{ ...params, [ACTION_FIELD]: "passkey" }}
        options={offer.options}
        autofill={autofill}
        label={label}
        texts={passkeySignInTexts(t)}
      />
    );
  }
  if (offer?.state === "elsewhere") {
    return (
      <p class="muted passkey-elsewhere">
        {rich("passkey.elsewhere", {
          link: (
            <a href={offer.href}>
              {t("passkey.elsewhere.link", { origin: offer.origin })}
            </a>
          ),
        })}
      </p>
    );
  }
  return null;
}

/**
 * Username and password inputs. With passkeys on the page, the username
 * field also offers them in its autofill (WebAuthn conditional mediation;
 * the `webauthn` token must come last).
 */
export function CredentialFields(
  { username, passkey }: { username: string; passkey?: PasskeyOffer },
): VNode {
  const { t } = useI18n();
  return (
    <>
      <label for="username">{t("field.username")}</label>
      <input
        id="username"
        name="username"
        type="text"
        autocomplete={passkey?.state === "ready"
          ? "username webauthn"
          : "username"}
        value={username}
        required
        autofocus
      />
      <label for="password">{t("field.password")}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
      />
    </>
  );
}

/** "or Sign in with a passkey" below a password form, when there is a way. */
export function PasskeyAlternative(
  { offer, csrf, params, action }: {
    offer?: PasskeyOffer;
    csrf: string;
    params: Record<string, string>;
    action?: string;
  },
): VNode | null {
  const { t } = useI18n();
  if (!offer || offer.state === "unavailable") return null;
  return (
    <div class="alternative">
      <p class="divider">
        <span>{t("sign_in.or")}</span>
      </p>
      <PasskeyChoice
        offer={offer}
        csrf={csrf}
        params={params}
        action={action}
        autofill
        label={t("sign_in.passkey")}
      />
    </div>
  );
}

/** Username/password sign-in, posting back to /authorize; or a passkey. */
export function LoginForm(
  { request, csrf, error, username, passkey, offers }: LoginFormProps,
): VNode {
  const { t, text } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("sign_in.title")}</h1>
      <ToContinue request={request} />
      {error && <p class="error" role="alert">{text(error)}</p>}
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams params={request.params} />
        <input type="hidden" name={ACTION_FIELD} value="login" />
        <CredentialFields
          username={username ?? request.loginHint ?? ""}
          passkey={passkey}
        />
        <button type="submit">{t("sign_in.submit")}</button>
      </Form>
      {(offers?.recovery || offers?.registration) && (
        <p class="step-links">
          {offers.recovery && (
            <StepLink
              request={request}
              csrf={csrf}
              action="forgot_password"
              label={t("sign_in.forgot")}
            />
          )}
          {offers.registration && (
            <StepLink
              request={request}
              csrf={csrf}
              action="create_account"
              label={t("sign_in.create_account")}
            />
          )}
        </p>
      )}
      <PasskeyAlternative
        offer={passkey}
        csrf={csrf}
        params={request.params}
      />
    </section>
  );
}

/** "to continue to <app>" under a sign-in step's headline. */
export function ToContinue(
  { request }: { request: AuthorizationRequest },
): VNode {
  const { rich } = useI18n();
  return (
    <p class="muted">
      {rich("sign_in.to_continue", {
        client: <strong>{request.client.name}</strong>,
      })}
    </p>
  );
}

export interface SelectAccountFormProps {
  request: AuthorizationRequest;
  user: UserRow;
  csrf: string;
}

/** prompt values a form must not carry on (they were just answered). */
export function withoutPrompts(
  params: Record<string, string>,
  answered: string[],
): Record<string, string> {
  const out = { ...params };
  if (out.prompt) {
    const rest = out.prompt.split(" ").filter((p) => !answered.includes(p));
    if (rest.length) out.prompt = rest.join(" ");
    else delete out.prompt;
  }
  return out;
}

/**
 * prompt=select_account: continue as the signed-in account, or sign in as
 * another. The choice is made here, so the prompt is not carried on.
 */
export function SelectAccountForm(
  { request, user, csrf }: SelectAccountFormProps,
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("select_account.title")}</h1>
      <ToContinue request={request} />
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams
          params={withoutPrompts(request.params, ["select_account"])}
        />
        <input type="hidden" name={ACTION_FIELD} value="select_account" />
        <div class="actions">
          <button type="submit" name="choice" value="continue">
            {t("select_account.continue", { username: user.username })}
          </button>
          <button
            type="submit"
            name="choice"
            value="switch"
            class="secondary"
          >
            {t("select_account.switch")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export interface ConsentFormProps {
  request: AuthorizationRequest;
  user: UserRow;
  scopes: ScopeRow[];
  csrf: string;
}

/**
 * Who is asking, as far as this server knows: a metadata document client
 * is named by the host its document came from (anyone can pick a name,
 * not a host), a self-registered client is marked unverified.
 */
function ClientProvenance(
  { request }: { request: AuthorizationRequest },
): VNode | null {
  const { rich, t } = useI18n();
  const { client } = request;
  if (client.registrationType === "metadata_document") {
    return (
      <p class="provenance" data-testid="client-host">
        {rich("consent.described_by", {
          host: <strong class="host">{new URL(client.id).host}</strong>,
        })}
      </p>
    );
  }
  if (client.registrationType === "dynamic") {
    return (
      <p class="provenance warning" data-testid="client-unverified">
        {rich("consent.unverified", {
          unverified: <strong>{t("consent.unverified_app")}</strong>,
        })}
      </p>
    );
  }
  return null;
}

/** The APIs the tokens will be for (RFC 8707 resources). */
function ResourceNames(
  { request }: { request: AuthorizationRequest },
): VNode | null {
  const { rich } = useI18n();
  if (request.resources.length === 0) return null;
  return (
    <p data-testid="consent-resources">
      {rich("consent.resources", {
        resources: request.resources.map((r, i) => (
          <span key={r.identifier}>
            {i > 0 ? ", " : ""}
            <strong>{r.name}</strong>{" "}
            <span class="muted">({r.identifier})</span>
          </span>
        )),
      })}
    </p>
  );
}

/**
 * A scope's description in the page's language: the built-in scopes keep
 * their translations while the admin has not reworded them.
 */
function scopeDescription(scope: ScopeRow, t: Translator["t"]): string {
  const builtIn = DEFAULT_SCOPES.find((s) => s.name === scope.name);
  if (!builtIn || builtIn.description !== scope.description) {
    return scope.description;
  }
  switch (scope.name) {
    case "openid":
      return t("scope.openid");
    case "profile":
      return t("scope.profile");
    case "email":
      return t("scope.email");
    case "offline_access":
      return t("scope.offline_access");
  }
  return scope.description;
}

/**
 * The consent screen: each requested scope's description, Allow or Deny.
 * The user has just passed the sign-in checks and chosen the account, so
 * prompt=login, select_account and max_age are not carried into the answer
 * (they would ask again in a loop).
 */
export function ConsentForm(
  { request, user, scopes, csrf }: ConsentFormProps,
): VNode {
  const { t, rich } = useI18n();
  const params = withoutPrompts(request.params, ["login", "select_account"]);
  delete params.max_age;
  return (
    <section class="card narrow">
      <h1>{t("consent.title")}</h1>
      <ClientProvenance request={request} />
      <p>
        {rich("consent.wants", {
          client: <strong>{request.client.name}</strong>,
        })}
      </p>
      <ResourceNames request={request} />
      <ul class="scopes">
        {scopes.map((s) => (
          <li key={s.name}>
            {scopeDescription(s, t)} <span class="muted">({s.name})</span>
          </li>
        ))}
      </ul>
      <p class="muted">
        {t("consent.signed_in_as", { username: user.username })}
      </p>
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams params={params} />
        <input type="hidden" name={ACTION_FIELD} value="consent" />
        <div class="actions">
          <button type="submit" name="decision" value="allow">
            {t("consent.allow")}
          </button>
          <button
            type="submit"
            name="decision"
            value="deny"
            class="secondary"
          >
            {t("consent.deny")}
          </button>
        </div>
      </Form>
    </section>
  );
}
