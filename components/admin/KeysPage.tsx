/** Signing keys: rotate per algorithm, retire, delete retired. Server-only. */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import { SIGNING_ALG_OPTIONS } from "../../lib/admin/forms/specs.ts";
import { SelectField } from "../../islands/_shared/fields.tsx";
import type { KeyView } from "../../lib/admin/keys_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Form } from "../Form.tsx";
import {
  Badge,
  FormAlert,
  Notice,
  PageHeader,
  StackTable,
  Time,
} from "./common.tsx";
import { CONFIRM } from "./confirms.ts";

export const KEYS_PAGE = "/admin/ui/keys";

const STATUS_TONE = {
  active: "ok",
  pending: "info",
  retired: "muted",
} as const;

export interface KeysPageProps {
  csrf: string;
  keys: KeyView[];
  now: number;
  graceSeconds: number;
  /** Seconds from a rotation until the new key signs. */
  activationSeconds: number;
  notice?: NoticeRef;
  error?: string;
}

function keyActions(props: KeysPageProps, key: KeyView): VNode | string {
  const { csrf } = props;
  const kid = encodeURIComponent(key.kid);
  if (key.status !== "retired") {
    const lastRS256 = key.alg === "RS256" &&
      !props.keys.some((k) =>
        k.alg === "RS256" && k.status !== "retired" && k.kid !== key.kid
      );
    if (lastRS256) return <span class="muted">required (rotate instead)</span>;
    return (
      <ConfirmButton
        csrf={csrf}
        label="Retire"
        subject={`key ${key.kid}`}
        {...CONFIRM.retireKey(key.kid)}
        action={KEYS_PAGE}
        fields={{ _action: "retire", kid: key.kid }}
        api={{ method: "POST", url: `/admin/keys/${kid}/retire` }}
        done={`${KEYS_PAGE}?notice=key.retired&subject=${kid}`}
      />
    );
  }
  const early = (key.retired_at ?? 0) + props.graceSeconds > props.now;
  return (
    <ConfirmButton
      csrf={csrf}
      label={early ? "Delete now" : "Delete"}
      subject={`key ${key.kid}`}
      {...CONFIRM.deleteKey(key.kid, early)}
      action={KEYS_PAGE}
      fields={{
        _action: "delete",
        kid: key.kid,
        ...(early ? { force: "true" } : {}),
      }}
      api={{
        method: "DELETE",
        url: `/admin/keys/${kid}${early ? "?force=true" : ""}`,
      }}
      done={`${KEYS_PAGE}?notice=key.deleted&subject=${kid}`}
    />
  );
}

export function KeysPage(props: KeysPageProps): VNode {
  return (
    <>
      <PageHeader
        title="Signing keys"
        lead={
          <>
            Keys that sign ID tokens and JWT access tokens, published at{" "}
            <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.
            Rotating publishes a new key at once; it signs{" "}
            {props.activationSeconds}{" "}
            s later, once every JWKS cached before it has expired, and the old
            key retires then. Retired keys stay published so the tokens they
            signed still verify.
          </>
        }
      />
      <Notice notice={props.notice} />
      {props.error && (
        <FormAlert>
          <p>{props.error}</p>
        </FormAlert>
      )}
      <section class="card" aria-labelledby="rotate-title">
        <h2 id="rotate-title">Rotate</h2>
        <Form action={KEYS_PAGE} csrf={props.csrf} class="filters rotate">
          <input type="hidden" name="_action" value="rotate" />
          <SelectField
            id="rotate-alg"
            name="alg"
            label="Algorithm"
            help="signing-keys"
            value="RS256"
            options={SIGNING_ALG_OPTIONS}
          />
          <button type="submit">Rotate key</button>
        </Form>
      </section>
      <section class="card" aria-labelledby="keys">
        <h2 id="keys">Keys</h2>
        <StackTable
          label="Signing keys"
          columns={[
            "Key ID",
            "Algorithm",
            "Status",
            "Created",
            "Signs from",
            "Retired",
          ]}
          actions
        >
          {props.keys.map((key) => (
            <tr key={key.kid}>
              <td data-label="Key ID">
                <code class="tokens">{key.kid}</code>
              </td>
              <td data-label="Algorithm">{key.alg}</td>
              <td data-label="Status">
                <Badge tone={STATUS_TONE[key.status]}>{key.status}</Badge>
              </td>
              <td data-label="Created">
                <Time at={key.created_at} />
              </td>
              <td data-label="Signs from">
                <Time at={key.activates_at} />
              </td>
              <td data-label="Retired">
                <Time at={key.retired_at} />
              </td>
              <td class="row-actions">{keyActions(props, key)}</td>
            </tr>
          ))}
        </StackTable>
      </section>
    </>
  );
}
