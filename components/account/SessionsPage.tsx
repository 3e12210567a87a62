/** /account/sessions: where the account is signed in; end any of them. */
import type { VNode } from "preact";
import type { DeviceView } from "../../lib/accounts/devices.ts";
import { Time } from "../admin/common.tsx";
import { Form } from "../Form.tsx";

export function SessionsPage(
  { devices, csrf }: { devices: DeviceView[]; csrf: string },
): VNode {
  const others = devices.filter((d) => !d.current).length;
  return (
    <section class="card" aria-labelledby="sessions">
      <h2 id="sessions">Where you are signed in</h2>
      <p class="muted">
        Signing a session out also signs out the apps that signed in through it.
      </p>
      <ul class="item-list">
        {devices.map((d) => (
          <li key={d.id}>
            <div class="item-main">
              <strong>{d.device}</strong>{" "}
              {d.current && <span class="badge ok">this browser</span>}
              <br />
              <span class="muted small">
                {d.ip ?? "unknown address"} · last seen{" "}
                <Time at={d.lastSeenAt} /> · signed in{" "}
                <Time at={d.signedInAt} />
              </span>
            </div>
            {!d.current && (
              <Form action="/account/sessions" csrf={csrf} class="inline">
                <input type="hidden" name="_action" value="end_session" />
                <input type="hidden" name="session_id" value={d.id} />
                <button type="submit" class="secondary">Sign out</button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {others > 1 && (
        <Form action="/account/sessions" csrf={csrf}>
          <input type="hidden" name="_action" value="end_others" />
          <button type="submit" class="secondary">
            Sign out everywhere else
          </button>
        </Form>
      )}
    </section>
  );
}
