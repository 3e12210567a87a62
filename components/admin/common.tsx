/**
 * Pieces every admin page shares: the page header, the notice after a
 * saved form, the no-JavaScript confirmation step, times and badges.
 * Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { formatTime, isoTime } from "../../islands/_shared/format.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Form } from "../Form.tsx";

export function PageHeader(
  { title, lead, children }: {
    title: string;
    lead?: ComponentChildren;
    children?: ComponentChildren;
  },
): VNode {
  return (
    <header class="page-head">
      <div>
        <h1>{title}</h1>
        {lead && <p class="lead">{lead}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

const NOTICES: Record<string, (subject: string) => string> = {
  "scope.saved": (s) => `Scope ${s} saved.`,
  "scope.deleted": (s) => `Scope ${s} deleted.`,
  "client.created": () => "Client created.",
  "client.saved": () => "Client settings saved.",
  "client.deleted": (s) => `Client ${s} deleted.`,
  "policy.saved": () => "Policy saved. The next authorization request uses it.",
  "key.rotated": (s) =>
    `New ${s} signing key is active; the previous one is retired and stays in the JWKS.`,
  "key.retired": (s) => `Key ${s} retired. It stays in the JWKS until deleted.`,
  "key.deleted": (s) => `Key ${s} deleted and removed from the JWKS.`,
  "user.created": () => "User created.",
  "user.saved": () => "User saved.",
  "user.disabled": () =>
    "User disabled. Their sessions were ended and tokens revoked.",
  "user.enabled": () => "Account unlocked. The user can sign in again.",
  "user.locked": () =>
    "Account locked. Their sessions were ended and tokens revoked.",
  "user.force_change": () =>
    "At the next sign-in the user must choose a new password first.",
  "user.no_force_change": () => "The next sign-in asks for no new password.",
  "user.reset_mail": (s) => `A password reset link was mailed to ${s}.`,
  "user.verification_mail": (s) => `A confirmation link was mailed to ${s}.`,
  "user.password": () =>
    "Password set. The user's sessions were ended and tokens revoked.",
  "user.deleted": (s) => `User ${s} deleted.`,
  "consent.revoked": (s) =>
    `Consent to ${s} revoked, with the tokens it issued.`,
  "session.revoked": () => "Session ended. The user must sign in again.",
  "user.second_factor_reset": () =>
    "Second factor reset: authenticator app, passkeys and recovery codes removed; the user was signed out.",
  "passkey.deleted": (s) => `Passkey ${s} deleted.`,
  "resource.saved": (s) => `API ${s} saved.`,
  "resource.deleted": (s) => `API ${s} deleted.`,
  "registration.saved": () =>
    "Registration settings saved. They apply to the next request.",
  "iat.revoked": () => "Initial access token revoked.",
  "client.disabled": (s) => `Client ${s} disabled.`,
  "client.enabled": (s) => `Client ${s} enabled.`,
  "accounts.saved": () => "Account settings saved.",
  "invite.withdrawn": () => "Invitation withdrawn. Its link no longer works.",
  "branding.saved": () =>
    "Branding saved. Every page shows it from the next request on.",
  "branding.logo_set": () => "Logo saved.",
  "branding.logo_removed": () => "Logo removed; pages show the name alone.",
};

/** The confirmation of the last action, announced politely. */
export function Notice({ notice }: { notice?: NoticeRef }): VNode | null {
  const text = notice && NOTICES[notice.key]?.(notice.subject ?? "");
  if (!text) return null;
  return <p class="notice" role="status">{text}</p>;
}

/** A failure that is not about one field (409: a scope still in use). */
export function FormAlert(
  { children }: { children: ComponentChildren },
): VNode {
  return <div class="form-error" role="alert">{children}</div>;
}

export interface ConfirmStepProps {
  csrf: string;
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  action: string;
  fields: Record<string, string>;
  cancel: string;
  tone?: "danger" | "secondary";
}

/**
 * The confirmation a destructive form gets without JavaScript: the same
 * fields again, with `confirm=yes`.
 */
export function ConfirmStep(props: ConfirmStepProps): VNode {
  return (
    <section class="card narrow confirm-step" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{props.title}</h1>
      <p>{props.message}</p>
      <Form action={props.action} csrf={props.csrf}>
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <div class="actions">
          <a class="button secondary" href={props.cancel}>Cancel</a>
          <button type="submit" class={props.tone ?? "danger"}>
            {props.confirmLabel}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function Time({ at }: { at: number | null }): VNode {
  if (at === null) return <span class="muted">—</span>;
  return <time datetime={isoTime(at)}>{formatTime(at)}</time>;
}

// Badges, scrolling tables and empty states are shared with the islands
// (the clients list updates in the browser).
export {
  Badge,
  Empty,
  StackTable,
  TableWrap,
} from "../../islands/_shared/ui.tsx";
