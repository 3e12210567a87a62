/**
 * The in-app guide the info icons link to: one section per field, each with
 * a stable anchor (`/admin/ui/help#redirect-uris`). Written from the seed's
 * Admin UI Reference. Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import {
  AUTH_METHOD_SUMMARIES,
  AUTH_METHODS,
  GRANT_TYPE_RULES,
  GRANT_TYPES,
} from "../../lib/oauth/vocabulary.ts";
import { PageHeader } from "./common.tsx";

interface Topic {
  id: string;
  title: string;
  body: ComponentChildren;
}

interface Group {
  id: string;
  title: string;
  intro?: ComponentChildren;
  topics: Topic[];
}

const CLIENT_FIELDS: Topic[] = [
  {
    id: "client-id",
    title: "Client ID",
    body: (
      <>
        <p>
          The name apps use to identify themselves in every request. Pick
          something short, stable and URL-safe (letters, digits,{" "}
          <code>. _ ~ -</code>), such as <code>todo-spa</code> or{" "}
          <code>camera-web</code>. It cannot be changed later, because apps and
          issued tokens refer to it.
        </p>
      </>
    ),
  },
  {
    id: "client-name",
    title: "Client Name",
    body: (
      <p>
        The human-readable name people see on the sign-in and consent screens,
        for example{" "}
        <em>My Camera App</em>. Make it something your users recognise.
      </p>
    ),
  },
  {
    id: "redirect-uris",
    title: "Redirect URIs",
    body: (
      <>
        <p>
          The callback addresses the server may send people back to after they
          sign in, separated by spaces or new lines. A request's{" "}
          <code>redirect_uri</code>{" "}
          must equal one of them exactly: no wildcards, no prefix matching.
        </p>
        <ul>
          <li>Each must be an absolute URL without a #fragment.</li>
          <li>
            Use <code>https</code>; plain <code>http</code> is accepted only for
            {" "}
            <code>localhost</code> and <code>127.0.0.1</code>{" "}
            during development.
          </li>
          <li>
            Examples: <code>http://localhost:3000/callback</code>,{" "}
            <code>https://myapp.example.com/auth/callback</code>.
          </li>
        </ul>
      </>
    ),
  },
  {
    id: "client-scope",
    title: "Client Scope",
    body: (
      <p>
        The scopes this client is registered to ask for, separated by spaces; a
        typical set is{" "}
        <code>openid profile email offline_access</code>. Every scope named must
        exist on the Scopes page. What a request may actually receive is also
        limited by the policy's <a href="#allowed-scopes">Allowed Scopes</a>.
      </p>
    ),
  },
  {
    id: "grant-types",
    title: "Grant Types",
    body: (
      <>
        <p>Which OAuth 2.0 flows this client may use at the token endpoint:</p>
        <ul>
          {GRANT_TYPES.map((g) => (
            <li key={g}>
              <code>{g}</code>: {GRANT_TYPE_RULES[g].summary}
            </li>
          ))}
        </ul>
        <p>
          Most apps want <code>authorization_code refresh_token</code>.
        </p>
      </>
    ),
  },
  {
    id: "response-types",
    title: "Response Types",
    body: (
      <p>
        What the authorization endpoint hands back. This server supports{" "}
        <code>code</code>{" "}
        only (the authorization code flow), which is also what current security
        advice recommends.
      </p>
    ),
  },
  {
    id: "client-type",
    title: "Client Type",
    body: (
      <ul>
        <li>
          <strong>Public</strong>: apps that cannot keep a secret, such as
          single-page apps and mobile or desktop apps. They get no client secret
          and must use PKCE.
        </li>
        <li>
          <strong>Confidential</strong>: server-side apps that can keep a
          secret. They get a client secret (shown once) and authenticate with it
          at the token endpoint.
        </li>
      </ul>
    ),
  },
  {
    id: "token-endpoint-auth-method",
    title: "Token Endpoint Auth Method",
    body: (
      <>
        <p>How the client proves who it is when it calls /token:</p>
        <ul>
          {AUTH_METHODS.map((m) => (
            <li key={m}>
              <code>{m}</code>: {AUTH_METHOD_SUMMARIES[m]}
            </li>
          ))}
        </ul>
      </>
    ),
  },
  {
    id: "require-consent",
    title: "Require Consent",
    body: (
      <p>
        When on, people must approve the requested access on the consent screen
        before the app gets tokens. How often they are asked is set by the
        policy's <a href="#consent-policy">Consent Policy</a>.
      </p>
    ),
  },
];

const POLICY_FIELDS: Topic[] = [
  {
    id: "allowed-scopes",
    title: "Allowed Scopes",
    body: (
      <p>
        The scopes this client may request, separated by spaces. A request for
        any scope outside this list is refused with{" "}
        <code>invalid_scope</code>. Each must exist on the Scopes page.
      </p>
    ),
  },
  {
    id: "default-scopes",
    title: "Default Scopes",
    body: (
      <p>
        The scopes used when an authorization request does not name any. They
        must be part of the Allowed Scopes.
      </p>
    ),
  },
  {
    id: "post-logout-redirect-uris",
    title: "Post-Logout Redirect URIs",
    body: (
      <p>
        Where people may be sent after signing out through{" "}
        <code>/end_session</code> or{" "}
        <code>/logout</code>, separated by spaces or new lines. Like redirect
        URIs, they must match exactly.
      </p>
    ),
  },
  {
    id: "require-pkce",
    title: "Require PKCE",
    body: (
      <p>
        Requires a PKCE <code>code_challenge</code> (method{" "}
        <code>S256</code>) on every authorization request, so a stolen code is
        useless without the app's secret verifier. Always on for public clients,
        and recommended for every client.
      </p>
    ),
  },
  {
    id: "require-second-factor",
    title: "Require a Second Factor",
    body: (
      <>
        <p>
          Everyone signing in to this client must prove a second factor: after
          the password, a code from their authenticator app, one of their
          recovery codes, or a passkey. A passkey sign-in counts on its own (the
          device checks a PIN or biometric). Someone who has no second factor
          yet is asked to set one up on their account's security page (<code>
            /account/security
          </code>) and then continue.
        </p>
        <p>
          A session that already passed a second factor is not asked again. ID
          tokens say how the person signed in: <code>amr</code> (e.g.{" "}
          <code>pwd otp mfa</code>) and{" "}
          <code>acr</code>. Apps can also ask for this per request with{" "}
          <code>acr_values</code>; see <code>docs/accounts.md</code>.
        </p>
      </>
    ),
  },
  {
    id: "consent-policy",
    title: "Consent Policy",
    body: (
      <ul>
        <li>
          <code>always</code>: show the consent screen on every request.
        </li>
        <li>
          <code>once</code>: ask the first time, then remember the answer for
          this user, client and set of scopes; asking for more scopes asks
          again.
        </li>
        <li>
          <code>skip</code>: never show it (for first-party apps you trust).
        </li>
      </ul>
    ),
  },
  {
    id: "access-token-lifetime",
    title: "Access Token Lifetime (seconds)",
    body: (
      <p>
        How long an access token stays valid, between 60 seconds and one day. An
        hour (<code>3600</code>) is a common choice: short enough to limit
        damage from a leak, long enough to avoid constant refreshing.
      </p>
    ),
  },
  {
    id: "refresh-token-ttl",
    title: "Refresh Token TTL (days)",
    body: (
      <p>
        How long a refresh token stays usable, between 1 and 365 days. Each use
        replaces it with a new one; presenting an old one again revokes the
        whole chain, since it suggests the token was stolen.
      </p>
    ),
  },
  {
    id: "refresh-reuse-grace",
    title: "Refresh Reuse Grace (seconds)",
    body: (
      <p>
        For apps on flaky networks: for this many seconds after a refresh token
        is used, presenting it again answers the same new tokens instead of
        revoking the chain, so an app that lost the response can retry. After
        the window, reuse revokes the chain as usual. 0 (the default) turns it
        off; at most 300.
      </p>
    ),
  },
  {
    id: "token-format",
    title: "Token Format",
    body: (
      <ul>
        <li>
          <code>opaque</code>{" "}
          (default): a random reference the server looks up; APIs check it with
          {" "}
          <code>/introspect</code>. Revocation takes effect at once.
        </li>
        <li>
          <code>jwt</code>: a signed, self-contained token APIs can verify
          offline with the keys at{" "}
          <code>/.well-known/jwks.json</code>; it stays valid until it expires.
        </li>
      </ul>
    ),
  },
  {
    id: "id-token-signing-alg",
    title: "ID Token Signing Algorithm",
    body: (
      <p>
        The algorithm of the key that signs this client's ID tokens:{" "}
        <code>RS256</code> (the OpenID Connect default every library supports),
        {" "}
        <code>ES256</code> or <code>EdDSA</code>{" "}
        (smaller and faster, if the app's library supports them). A key of that
        algorithm is created the first time one is needed.
      </p>
    ),
  },
];

const SCOPE_FIELDS: Topic[] = [
  {
    id: "scope-name",
    title: "Scope name",
    body: (
      <p>
        The token apps put in the <code>scope</code> parameter, such as{" "}
        <code>files.read</code>. Printable characters without spaces, quotes or
        backslashes. The OpenID Connect scopes (
        <code>openid</code>, <code>profile</code>, <code>email</code>,{" "}
        <code>offline_access</code>) are built in: they can be edited but not
        deleted.
      </p>
    ),
  },
  {
    id: "scope-description",
    title: "Scope description",
    body: (
      <p>
        A short sentence shown on the consent screen to explain what the app
        will be able to do, e.g. <em>Read your files</em>.
      </p>
    ),
  },
  {
    id: "scope-claims",
    title: "Scope claims",
    body: (
      <p>
        The user claims this scope releases in ID tokens and at{" "}
        <code>/userinfo</code>, separated by spaces. A scope still named by a
        client's policy cannot be deleted; the page names those clients.
      </p>
    ),
  },
];

const OTHER: Topic[] = [
  {
    id: "signing-keys",
    title: "Signing keys",
    body: (
      <>
        <p>
          Keys sign ID tokens and JWT access tokens; their public halves are
          published at <code>/.well-known/jwks.json</code>{" "}
          for apps to verify signatures.
        </p>
        <ul>
          <li>
            <strong>Rotate</strong>{" "}
            creates a new active key for an algorithm and retires the previous
            one. Rotate regularly, and at once if a key may have leaked.
          </li>
          <li>
            <strong>Retired</strong>{" "}
            keys sign nothing new but stay published, so tokens they signed
            still verify.
          </li>
          <li>
            <strong>Delete</strong>{" "}
            a retired key once its tokens have expired (after a day); deleting
            earlier breaks tokens still in use. The last active RS256 key cannot
            be retired.
          </li>
        </ul>
      </>
    ),
  },
  {
    id: "users",
    title: "Users",
    body: (
      <p>
        Accounts that sign in here. Usernames are unique ignoring case. Locking
        a user or setting a new password signs them out everywhere and revokes
        their tokens. The Consents list shows which apps they allowed; revoking
        one also revokes that app's tokens for them.
      </p>
    ),
  },
  {
    id: "user-claims",
    title: "User claims",
    body: (
      <p>
        Extra OpenID Connect claims as a JSON object, such as{" "}
        <code>{'{"name": "Alice Liddell", "locale": "en"}'}</code>. They are
        released according to the scopes a client was granted. Protocol claims
        (<code>sub</code>,{" "}
        <code>iss</code>, …) and email are set by the server and cannot be
        stored here.
      </p>
    ),
  },
  {
    id: "sign-in-methods",
    title: "Sign-in methods (second factors and passkeys)",
    body: (
      <>
        <p>
          People add an authenticator app (TOTP), passkeys and recovery codes
          themselves at{" "}
          <code>/account/security</code>. The user page lists them: whether the
          app is on, how many of the ten recovery codes are left, and each
          passkey with its name, kind (synced or device-bound) and when it was
          last used. Secrets are never shown.
        </p>
        <p>
          <strong>Reset second factor</strong>{" "}
          is for someone who lost their device: it removes the app, every
          passkey and the recovery codes and signs them out everywhere; they
          sign in with their password and set up a factor again. A single
          passkey can be deleted on its own. Both are recorded in the audit log.
          Passkeys need an https ISSUER on a domain name (locally,{" "}
          <code>http://localhost:PORT</code>).
        </p>
      </>
    ),
  },
  {
    id: "sessions",
    title: "Sessions",
    body: (
      <p>
        Browser sign-ins at this server. Ending one signs that browser out;
        tokens already issued to apps stay valid until they expire or are
        revoked (disable the user or revoke a consent for that).
      </p>
    ),
  },
  {
    id: "audit-log",
    title: "Audit log",
    body: (
      <p>
        Every change made through the admin UI or API, with who made it, from
        which address and what changed. Secrets are never recorded.
      </p>
    ),
  },
  {
    id: "setup",
    title: "First-time setup and the admin token",
    body: (
      <p>
        On first start, <code>/setup</code>{" "}
        asks for the setup code the server printed in its log (or for{" "}
        <code>ADMIN_TOKEN</code>{" "}
        when it is set), then creates the admin token, shows it once and keeps
        only its hash. Use it to sign in here and as the{" "}
        <code>X-Admin-Token</code> header for the admin API. Lost it? Run{" "}
        <code>deno task admin:reset-token</code> on the server.
      </p>
    ),
  },
  {
    id: "dev-endpoints",
    title: "Dev endpoints",
    body: (
      <p>
        With <code>ENABLE_DEV_ENDPOINTS=true</code>, <code>GET /dev/seed</code>,
        {" "}
        <code>GET /dev/pkce</code> and <code>POST /dev/create_client</code>{" "}
        help local testing. They are off by default and still require the admin
        token.
      </p>
    ),
  },
];

/** Self-service accounts: the user page's account controls and the Accounts page. */
const ACCOUNT_TOPICS: Topic[] = [
  {
    id: "user-lock",
    title: "Lock and unlock",
    body: (
      <p>
        Locking an account (with a reason, which only admins see) stops it from
        signing in, ends its sessions and revokes its tokens; the person is told
        "This account is locked" only after giving the right password. Unlocking
        lets them in again and clears the reason. In the API this is{" "}
        <code>disabled</code> with <code>lock_reason</code>.
      </p>
    ),
  },
  {
    id: "user-must-change-password",
    title: "New password at next sign-in",
    body: (
      <p>
        The next sign-in, on an app's sign-in page or on{" "}
        <code>/account</code>, asks for a new password before anything else (no
        session exists until it is set), then goes on. Other sessions keep
        running until then. API field: <code>must_change_password</code>.
      </p>
    ),
  },
  {
    id: "user-reset-mail",
    title: "Password reset and confirmation mails",
    body: (
      <p>
        "Send password reset mail" mails the user a link that sets a new
        password once, within 30 minutes; using it signs them out everywhere and
        confirms the address. "Send confirmation link" asks them to confirm an
        unconfirmed address (<code>email_verified</code>{" "}
        becomes true only then). Both need mail (<code>SMTP_URL</code>,{" "}
        <code>MAIL_FROM</code>) and an address.
      </p>
    ),
  },
  {
    id: "user-sessions",
    title: "The user's sessions",
    body: (
      <p>
        The user page lists where the user is signed in; ending one signs that
        browser out. People see and end their own sessions on{" "}
        <code>/account/sessions</code>{" "}
        (there, ending a session also revokes the tokens apps got through it).
      </p>
    ),
  },
  {
    id: "account-editable-claims",
    title: "Profile fields people may edit",
    body: (
      <p>
        The claims people may change themselves on <code>/account</code>{" "}
        (space-separated, e.g.{" "}
        <code>name nickname email</code>). Anything else they post is ignored.
        Protocol claims cannot be listed; <code>email</code>{" "}
        can, and a new address is unconfirmed until its link is opened (the old
        address is told). Every change is audited and, with mail, told to the
        person.
      </p>
    ),
  },
  {
    id: "account-registration",
    title: "Registration and invitations",
    body: (
      <p>
        <code>REGISTRATION=off</code> (default): only admins create accounts.
        {" "}
        <code>open</code>: anyone, on{" "}
        <code>/account/register</code>, the sign-in page's "Create an account",
        or an app's <code>prompt=create</code>.{" "}
        <code>invite</code>: only with an invitation link issued on the Accounts
        page (single use, 7 days by default, optionally for one address, mailed
        there when mail is on). With mail on, a new account cannot sign in until
        its address is confirmed.
      </p>
    ),
  },
  {
    id: "account-mail",
    title: "Mail",
    body: (
      <p>
        Set <code>SMTP_URL</code> (<code>smtp://user:pass@host:587</code> or
        {" "}
        <code>smtps://…:465</code>) and{" "}
        <code>MAIL_FROM</code>. Without them password recovery by mail, address
        confirmation, mailed invitations and change notices are off, and the
        pages say so.
      </p>
    ),
  },
];

const LOOK_AND_LANGUAGE: Topic[] = [
  {
    id: "branding",
    title: "Branding",
    body: (
      <>
        <p>
          The product name, logo, accent colour and support link of the end-user
          pages (sign-in, consent, logout, errors, /account), set on the{" "}
          <a href="/admin/ui/branding">Branding</a> page or with{" "}
          <code>PATCH /admin/branding</code>. Every thread shows a change on its
          next request.
        </p>
        <p>
          The accent must keep WCAG AA contrast (4.5:1) on the pages' light
          backgrounds and under white button text; a colour that does not is
          refused with a darker shade that does. Logos are PNG, WebP or SVG up
          to 128 KiB, uploaded or fetched once from an https URL, and always
          served by this server, so the pages' Content-Security-Policy stays as
          strict as without branding.
        </p>
      </>
    ),
  },
  {
    id: "languages",
    title: "Languages",
    body: (
      <p>
        End-user pages and mails are in English and German: the language an app
        asks for with <code>ui_locales</code>, else the browser's{" "}
        <code>Accept-Language</code>, else <code>DEFAULT_LOCALE</code>{" "}
        (English unless set). The admin pages stay English.
      </p>
    ),
  },
];

const API_AND_REGISTRATION: Topic[] = [
  {
    id: "api-resources",
    title: "APIs (resources)",
    body: (
      <p>
        A protected API, such as an MCP server, named by its URL (RFC 8707
        resource indicator). Clients ask for it with <code>resource=</code>{" "}
        and its tokens carry it as their audience (<code>aud</code>) with only
        the scopes it defines; the consent page names it. Its own token format
        and lifetime override the client's. Its server, a confidential client,
        may introspect its tokens. See <code>docs/resource-servers.md</code>.
      </p>
    ),
  },
  {
    id: "metadata-documents",
    title: "Client ID Metadata Documents",
    body: (
      <p>
        A client whose ID is an https URL: the server fetches the JSON document
        there (never from private or loopback addresses), checks it describes
        itself, and keeps it for as long as its caching headers say, within the
        bounds set on the Registration page. Such clients always see the consent
        page, which shows the document's host. Turn the feature off, allow or
        deny hosts, or disable one fetched client there.
      </p>
    ),
  },
  {
    id: "dynamic-registration",
    title: "Dynamic registration",
    body: (
      <p>
        Clients register themselves at <code>/register</code>{" "}
        (RFC 7591): open to public clients by default, and with an initial
        access token (issued on the Registration page, shown once) for
        confidential ones. They are marked unverified, never skip consent, and
        can be disabled.
      </p>
    ),
  },
];

const GROUPS: Group[] = [
  {
    id: "clients",
    title: "Client fields",
    intro: "What each field of a client means, as on the client pages.",
    topics: CLIENT_FIELDS,
  },
  {
    id: "policy",
    title: "Client policy",
    intro: "Per-client rules applied at every authorization and token request.",
    topics: POLICY_FIELDS,
  },
  { id: "scopes", title: "Scopes", topics: SCOPE_FIELDS },
  {
    id: "apis",
    title: "APIs and self-registration",
    topics: API_AND_REGISTRATION,
  },
  { id: "operations", title: "Keys, users and operations", topics: OTHER },
  {
    id: "accounts",
    title: "Self-service accounts",
    intro:
      "What people can do on their own account pages (/account), and the admin's controls for it.",
    topics: ACCOUNT_TOPICS,
  },
  {
    id: "look",
    title: "Look and language",
    topics: LOOK_AND_LANGUAGE,
  },
];

/** Every anchor the help page offers (for tests and info links). */
export const HELP_TOPICS: string[] = GROUPS.flatMap((g) =>
  g.topics.map((t) => t.id)
);

export function HelpPage(): VNode {
  return (
    <>
      <PageHeader
        title="Help"
        lead="What the fields of the admin pages mean. The info icons beside each field link here."
      />
      <nav class="card" aria-labelledby="toc-title">
        <h2 id="toc-title">Contents</h2>
        <ul class="toc">
          {GROUPS.map((g) => (
            <li key={g.id}>
              <a href={`#${g.id}`}>{g.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {GROUPS.map((g) => (
        <section class="card" id={g.id} aria-labelledby={`${g.id}-title`}>
          <h2 id={`${g.id}-title`}>{g.title}</h2>
          {g.intro && <p class="muted">{g.intro}</p>}
          {g.topics.map((t) => (
            <div
              class="help-section"
              id={t.id}
              key={t.id}
              aria-labelledby={`${t.id}-title`}
              role="group"
            >
              <h3 id={`${t.id}-title`}>{t.title}</h3>
              {t.body}
            </div>
          ))}
        </section>
      ))}
    </>
  );
}
