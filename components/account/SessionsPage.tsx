/** /account/sessions: where the account is signed in; end any of them. */
import type { VNode } from "preact";
import type { DeviceView } from "../../lib/accounts/devices.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Time } from "../admin/common.tsx";
import { Form } from "../Form.tsx";

export function SessionsPage(
  { devices, csrf }: { devices: DeviceView[]; csrf: string },
): VNode {
  const { t, text, rich } = useI18n();
  const others = devices.filter((d) => !d.current).length;
  return (
    <section class="card" aria-labelledby="sessions">
      <h2 id="sessions">{t("sessions.title")}</h2>
      <p class="muted">{t("sessions.hint")}</p>
      <ul class="item-list">
        {devices.map((d) => (
          <li key={d.id}>
            <div class="item-main">
              <strong>{text(d.device)}</strong>{" "}
              {d.current && (
                <span class="badge ok">{t("sessions.this_browser")}</span>
              )}
              <br />
              <span class="muted small">
                {rich("sessions.seen", {
                  address: d.ip ?? t("sessions.unknown_address"),
                  last_seen: <Time at={d.lastSeenAt} />,
                  signed_in: <Time at={d.signedInAt} />,
                })}
              </span>
            </div>
            {!d.current && (
              <Form action="/account/sessions" csrf={csrf} class="inline">
                <input type="hidden" name="_action" value="end_session" />
                <input type="hidden" name="session_id" value={d.id} />
                <button type="submit" class="secondary">
                  {t("sessions.end")}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {others > 1 && (
        <Form action="/account/sessions" csrf={csrf}>
          <input type="hidden" name="_action" value="end_others" />
          <button type="submit" class="secondary">
            {t("sessions.end_others")}
          </button>
        </Form>
      )}
    </section>
  );
}
