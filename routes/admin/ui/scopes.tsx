import { ConfirmStep } from "../../../components/admin/common.tsx";
import { CONFIRM } from "../../../components/admin/confirms.ts";
import { ScopesPage } from "../../../components/admin/ScopesPage.tsx";
import { SCOPE_FORM } from "../../../lib/admin/forms/specs.ts";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  BUILT_IN_SCOPES,
  listScopeViews,
  removeScope,
  saveScope,
} from "../../../lib/admin/scopes_admin.ts";
import {
  bodyOf,
  errorProps,
  field,
  type FormFailure,
  formFailure,
  intentOf,
  isConfirmed,
  noticeURL,
  readForm,
  valuesOf,
} from "../../../lib/admin/ui/forms.ts";
import { adminCSRF, adminPage, noticeOf } from "../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../lib/http/define.ts";
import { HttpError } from "../../../lib/http/http_error.ts";

const PAGE = "/admin/ui/scopes";
const EMPTY = { name: "", description: "", claims: "" };

async function page(
  c: AppContext,
  options: {
    status?: number;
    values?: typeof EMPTY;
    editing?: boolean;
    failure?: FormFailure;
    deleteError?: { message: string; clients: string[] };
  } = {},
): Promise<Response> {
  const scopes = await listScopeViews(c.var.deps);
  let { values = EMPTY, editing = false } = options;
  const edit = c.req.query("edit");
  const current = edit ? scopes.find((s) => s.name === edit) : undefined;
  if (!options.values && current) {
    values = { ...current, claims: current.claims.join(" ") };
    editing = true;
  }
  const body = (
    <ScopesPage
      csrf={adminCSRF(c)}
      scopes={scopes}
      builtIn={BUILT_IN_SCOPES}
      editor={{ editing, values, ...errorProps(SCOPE_FORM, options.failure) }}
      notice={noticeOf(c)}
      deleteError={options.deleteError}
    />
  );
  return adminPage(c, "Scopes", body, { status: options.status });
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const deps = c.var.deps;
    const intent = intentOf(form);
    if (intent === "save") {
      const values = valuesOf(SCOPE_FORM, form);
      const editing = form.get("editing") === "yes";
      try {
        const { scope } = await saveScope(
          deps,
          adminActor(c),
          bodyOf(SCOPE_FORM, values),
        );
        return c.redirect(noticeURL(PAGE, "scope.saved", scope.name), 303);
      } catch (err) {
        const failure = formFailure(err);
        if (!failure) throw err;
        return page(c, {
          status: failure.status,
          values: values as typeof EMPTY,
          editing,
          failure,
        });
      }
    }
    if (intent === "delete") {
      const name = field(form, "name");
      if (!isConfirmed(form)) {
        return adminPage(
          c,
          "Delete scope",
          <ConfirmStep
            csrf={adminCSRF(c)}
            {...CONFIRM.deleteScope(name)}
            action={PAGE}
            fields={{ _action: "delete", name }}
            cancel={PAGE}
          />,
        );
      }
      try {
        await removeScope(deps, adminActor(c), name);
        return c.redirect(noticeURL(PAGE, "scope.deleted", name), 303);
      } catch (err) {
        const failure = formFailure(err);
        if (!failure) throw err;
        const clients = (failure.details.clients as string[] | undefined) ?? [];
        return page(c, {
          status: failure.status,
          deleteError: { message: failure.message ?? "", clients },
        });
      }
    }
    throw new HttpError(400, `unknown form action: ${intent || "(none)"}`);
  },
});
