import { Buffer } from "node:buffer";
import {
  BRANDING_PAGE,
  BrandingPage,
} from "../../../components/admin/BrandingPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  brandingView,
  removeLogo,
  setLogo,
  updateBranding,
} from "../../../lib/admin/branding_admin.ts";
import {
  field,
  type FormFailure,
  formFailure,
  intentOf,
  noticeURL,
  readForm,
} from "../../../lib/admin/ui/forms.ts";
import { adminCSRF, adminPage, noticeOf } from "../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../lib/http/define.ts";
import { HttpError } from "../../../lib/http/http_error.ts";

async function page(
  c: AppContext,
  state: { failure?: FormFailure; values?: Record<string, string> } = {},
): Promise<Response> {
  return adminPage(
    c,
    "Branding",
    <BrandingPage
      csrf={adminCSRF(c)}
      branding={await brandingView(c.var.deps)}
      notice={noticeOf(c)}
      errors={state.failure?.errors}
      formError={state.failure?.message}
      values={state.values}
    />,
    { status: state.failure?.status },
  );
}

/** An emptied field is the default again (null in the API). */
function orNull(value: string): string | null {
  return value.trim() === "" ? null : value;
}

/** The logo form as the API's body: the uploaded file, else the URL. */
async function logoBody(form: FormData): Promise<Record<string, string>> {
  const file = form.get("logo_file");
  if (file instanceof File && file.size > 0) {
    return {
      data: Buffer.from(await file.arrayBuffer()).toString("base64"),
    };
  }
  const url = field(form, "logo_url").trim();
  return url ? { url } : {};
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const { deps } = c.var;
    const who = adminActor(c);
    const values = {
      name: field(form, "name"),
      accent_color: field(form, "accent_color"),
      support_url: field(form, "support_url"),
      logo_url: field(form, "logo_url"),
    };
    try {
      switch (intentOf(form)) {
        case "settings":
          await updateBranding(deps, who, {
            name: orNull(values.name),
            accent_color: orNull(values.accent_color),
            support_url: orNull(values.support_url),
          });
          return c.redirect(noticeURL(BRANDING_PAGE, "branding.saved"), 303);
        case "logo":
          await setLogo(deps, who, await logoBody(form));
          return c.redirect(noticeURL(BRANDING_PAGE, "branding.logo_set"), 303);
        case "logo_remove":
          await removeLogo(deps, who);
          return c.redirect(
            noticeURL(BRANDING_PAGE, "branding.logo_removed"),
            303,
          );
      }
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) throw err;
      return page(c, { failure, values });
    }
    throw new HttpError(400, "unknown form action");
  },
});
