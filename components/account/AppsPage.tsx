/** /account/apps: the apps the person let in; remove any of them. */
import type { VNode } from "preact";
import type { AppView } from "../../lib/accounts/devices.ts";
import { Time } from "../admin/common.tsx";
import { Form } from "../Form.tsx";

export function AppsPage(
  { apps, csrf }: { apps: AppView[]; csrf: string },
): VNode {
  return (
    <section class="card" aria-labelledby="apps">
      <h2 id="apps">Apps you let in</h2>
      {apps.length === 0
        ? <p class="muted">You have not given any app access.</p>
        : (
          <ul class="item-list">
            {apps.map((a) => (
              <li key={a.clientID}>
                <div class="item-main">
                  <strong>{a.name}</strong>{" "}
                  <span class="muted small">
                    since <Time at={a.grantedAt} />
                  </span>
                  <br />
                  <span class="tokens small">{a.scopes.join(" ")}</span>
                </div>
                <Form action="/account/apps" csrf={csrf} class="inline">
                  <input type="hidden" name="_action" value="revoke_app" />
                  <input type="hidden" name="client_id" value={a.clientID} />
                  <button type="submit" class="secondary">Remove access</button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      <p class="muted small">
        Removing access signs the app out now; it asks you again next time.
      </p>
    </section>
  );
}
