/**
 * The user page's "Sign-in methods": authenticator app, recovery codes,
 * passkeys (names, last used), deleting a passkey, and resetting the
 * second factor for someone who lost their device. Server-only.
 * @module
 */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import type { FactorsView } from "../../lib/admin/factors_admin.ts";
import { Badge, Empty, StackTable, Time } from "./common.tsx";
import { CONFIRM } from "./confirms.ts";

export interface UserFactorsProps {
  csrf: string;
  userID: string;
  username: string;
  /** The user page (no-JavaScript forms post there). */
  href: string;
  factors: FactorsView;
}

export function UserFactors(props: UserFactorsProps): VNode {
  const { factors, csrf, href } = props;
  const api = `/admin/users/${encodeURIComponent(props.userID)}`;
  const any = factors.totp.enabled || factors.passkeys.length > 0 ||
    factors.recovery_codes.total > 0;
  return (
    <section class="card" aria-labelledby="factors">
      <h2 id="factors">Sign-in methods</h2>
      <p>
        Authenticator app: {factors.totp.enabled
          ? (
            <>
              <Badge tone="ok">on</Badge> since{" "}
              <Time at={factors.totp.since!} />
            </>
          )
          : <Badge tone="muted">off</Badge>}. Recovery codes:{" "}
        {factors.recovery_codes.unused} of {factors.recovery_codes.total}{" "}
        unused.
      </p>
      {factors.passkeys.length === 0 ? <Empty>No passkeys.</Empty> : (
        <StackTable
          label="Passkeys"
          columns={["Passkey", "Kind", "Added", "Last used"]}
          actions
        >
          {factors.passkeys.map((p) => (
            <tr key={p.id}>
              <td data-label="Passkey">{p.name}</td>
              <td data-label="Kind">
                {p.synced ? "synced" : "device-bound"}
              </td>
              <td data-label="Added">
                <Time at={p.created_at} />
              </td>
              <td data-label="Last used">
                {p.last_used_at === null
                  ? "never"
                  : <Time at={p.last_used_at} />}
              </td>
              <td class="row-actions">
                <ConfirmButton
                  csrf={csrf}
                  label="Delete"
                  subject={`passkey ${p.name}`}
                  {...CONFIRM.deletePasskey(p.name)}
                  action={href}
                  fields={{
                    _action: "delete_passkey",
                    credential_id: p.id,
                  }}
                  api={{
                    method: "DELETE",
                    url: `${api}/passkeys/${encodeURIComponent(p.id)}`,
                  }}
                  done={`${href}?notice=passkey.deleted&subject=${
                    encodeURIComponent(p.name)
                  }`}
                />
              </td>
            </tr>
          ))}
        </StackTable>
      )}
      {any && (
        <>
          <p class="muted">
            Lost their device? Resetting removes the authenticator app, every
            passkey and the recovery codes, and signs them out; they sign in
            with the password and set up a new factor.
          </p>
          <ConfirmButton
            csrf={csrf}
            label="Reset second factor"
            subject={props.username}
            {...CONFIRM.resetSecondFactor(props.username)}
            action={href}
            fields={{ _action: "reset_second_factor" }}
            api={{ method: "POST", url: `${api}/factors/reset` }}
            done={`${href}?notice=user.second_factor_reset`}
          />
        </>
      )}
    </section>
  );
}
