import { ConfirmStep } from "../../../components/admin/common.tsx";
import { CONFIRM } from "../../../components/admin/confirms.ts";
import { KEYS_PAGE, KeysPage } from "../../../components/admin/KeysPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import { activationDelay } from "../../../lib/key_schedule.ts";
import {
  deleteKey,
  listKeyViews,
  RETIRED_KEY_GRACE_SECONDS,
  retireKey,
  rotateKey,
} from "../../../lib/admin/keys_admin.ts";
import {
  field,
  formFailure,
  intentOf,
  isConfirmed,
  noticeURL,
  readForm,
} from "../../../lib/admin/ui/forms.ts";
import { adminCSRF, adminPage, noticeOf } from "../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../lib/http/define.ts";
import { HttpError } from "../../../lib/http/http_error.ts";

async function page(
  c: AppContext,
  options: { status?: number; error?: string } = {},
): Promise<Response> {
  const { deps } = c.var;
  const body = (
    <KeysPage
      csrf={adminCSRF(c)}
      keys={await listKeyViews(deps)}
      now={deps.now()}
      graceSeconds={RETIRED_KEY_GRACE_SECONDS}
      activationSeconds={activationDelay(deps.config.jwksMaxAge)}
      notice={noticeOf(c)}
      error={options.error}
    />
  );
  return adminPage(c, "Signing keys", body, { status: options.status });
}

async function act(c: AppContext, form: FormData): Promise<Response> {
  const { deps } = c.var;
  const kid = field(form, "kid");
  switch (intentOf(form)) {
    case "rotate": {
      const alg = field(form, "alg");
      await rotateKey(deps, adminActor(c), { alg });
      return c.redirect(noticeURL(KEYS_PAGE, "key.rotated", alg), 303);
    }
    case "retire":
    case "delete": {
      const retire = intentOf(form) === "retire";
      const force = field(form, "force") === "true";
      if (!isConfirmed(form)) {
        return adminPage(
          c,
          "Confirm",
          <ConfirmStep
            csrf={adminCSRF(c)}
            {...(retire
              ? CONFIRM.retireKey(kid)
              : CONFIRM.deleteKey(kid, force))}
            action={KEYS_PAGE}
            fields={{
              _action: intentOf(form),
              kid,
              ...(force ? { force: "true" } : {}),
            }}
            cancel={KEYS_PAGE}
          />,
        );
      }
      const who = adminActor(c);
      if (retire) await retireKey(deps, who, kid);
      else await deleteKey(deps, who, kid, force ? { force: "true" } : {});
      return c.redirect(
        noticeURL(KEYS_PAGE, retire ? "key.retired" : "key.deleted", kid),
        303,
      );
    }
  }
  throw new HttpError(400, "unknown form action");
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    try {
      return await act(c, await readForm(c));
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) throw err;
      const error = failure.message ?? Object.values(failure.errors).join(" ");
      return page(c, { status: failure.status, error });
    }
  },
});
