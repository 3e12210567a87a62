import { ConfirmStep } from "../../../components/admin/common.tsx";
import { CONFIRM } from "../../../components/admin/confirms.ts";
import {
  SESSIONS_PAGE,
  SessionsPage,
} from "../../../components/admin/SessionsPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  endUserSession,
  listSessionViews,
} from "../../../lib/admin/sessions_admin.ts";
import {
  field,
  intentOf,
  isConfirmed,
  readForm,
} from "../../../lib/admin/ui/forms.ts";
import { adminCSRF, adminPage, noticeOf } from "../../../lib/admin/ui/page.tsx";
import { define } from "../../../lib/http/define.ts";
import { HttpError } from "../../../lib/http/http_error.ts";

export const handler = define.handlers({
  async GET(c) {
    const userID = c.req.query("user_id") || undefined;
    const sessions = await listSessionViews(
      c.var.deps,
      userID ? { user_id: userID } : {},
    );
    return adminPage(
      c,
      "Sessions",
      <SessionsPage
        csrf={adminCSRF(c)}
        sessions={sessions}
        userID={userID}
        notice={noticeOf(c)}
      />,
    );
  },
  async POST(c) {
    const form = await readForm(c);
    if (intentOf(form) !== "revoke") {
      throw new HttpError(400, "unknown form action");
    }
    const id = field(form, "session_id");
    const userID = c.req.query("user_id");
    const back = userID
      ? `${SESSIONS_PAGE}?user_id=${encodeURIComponent(userID)}`
      : SESSIONS_PAGE;
    if (!isConfirmed(form)) {
      return adminPage(
        c,
        "End session",
        <ConfirmStep
          csrf={adminCSRF(c)}
          {...CONFIRM.endSession()}
          action={back}
          fields={{ _action: "revoke", session_id: id }}
          cancel={back}
        />,
      );
    }
    await endUserSession(c.var.deps, adminActor(c), id);
    const sep = back.includes("?") ? "&" : "?";
    return c.redirect(`${back}${sep}notice=session.revoked`, 303);
  },
});
