import { ConfirmStep } from "../../../components/admin/common.tsx";
import { CONFIRM } from "../../../components/admin/confirms.ts";
import {
  EMPTY_RESOURCE,
  type ResourceFormValues,
  RESOURCES_PAGE,
  ResourcesPage,
} from "../../../components/admin/ResourcesPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  createResource,
  listResourceViews,
  removeResource,
  saveResource,
} from "../../../lib/admin/resources_admin.ts";
import {
  field,
  type FormFailure,
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
  options: {
    status?: number;
    values?: ResourceFormValues;
    editing?: boolean;
    failure?: FormFailure;
  } = {},
): Promise<Response> {
  const resources = await listResourceViews(c.var.deps);
  let { values = EMPTY_RESOURCE, editing = false } = options;
  const edit = c.req.query("edit");
  const current = edit
    ? resources.find((r) => r.identifier === edit)
    : undefined;
  if (!options.values && current) {
    values = {
      identifier: current.identifier,
      name: current.name,
      scopes: current.scopes.join(" "),
      token_format: current.token_format ?? "",
      access_token_lifetime: current.access_token_lifetime?.toString() ?? "",
      server_client_id: current.server_client_id ?? "",
      is_default: current.is_default,
    };
    editing = true;
  }
  return adminPage(
    c,
    "APIs",
    <ResourcesPage
      csrf={adminCSRF(c)}
      resources={resources}
      values={values}
      editing={editing}
      errors={options.failure?.errors}
      formError={options.failure?.message}
      notice={noticeOf(c)}
    />,
    { status: options.status },
  );
}

/** The posted form as the admin API's JSON body (the same checks apply). */
function bodyOf(values: ResourceFormValues, editing: boolean) {
  const lifetime = values.access_token_lifetime.trim();
  return {
    ...(editing ? {} : { identifier: values.identifier.trim() }),
    name: values.name,
    scopes: values.scopes,
    token_format: values.token_format || null,
    access_token_lifetime: lifetime === ""
      ? null
      : /^\d+$/.test(lifetime)
      ? Number(lifetime)
      : lifetime,
    server_client_id: values.server_client_id.trim() || null,
    is_default: values.is_default,
  };
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const deps = c.var.deps;
    const intent = intentOf(form);
    if (intent === "save") {
      const editing = form.get("editing") === "yes";
      const values: ResourceFormValues = {
        identifier: field(form, "identifier"),
        name: field(form, "name"),
        scopes: field(form, "scopes"),
        token_format: field(form, "token_format"),
        access_token_lifetime: field(form, "access_token_lifetime"),
        server_client_id: field(form, "server_client_id"),
        is_default: form.has("is_default"),
      };
      try {
        const body = bodyOf(values, editing);
        const saved = editing
          ? await saveResource(deps, adminActor(c), values.identifier, body)
          : await createResource(deps, adminActor(c), body);
        return c.redirect(
          noticeURL(RESOURCES_PAGE, "resource.saved", saved.identifier),
          303,
        );
      } catch (err) {
        const failure = formFailure(err, "identifier");
        if (!failure) throw err;
        return page(c, { status: failure.status, values, editing, failure });
      }
    }
    if (intent === "delete") {
      const identifier = field(form, "identifier");
      if (!isConfirmed(form)) {
        return adminPage(
          c,
          "Delete API",
          <ConfirmStep
            csrf={adminCSRF(c)}
            {...CONFIRM.deleteResource(identifier)}
            action={RESOURCES_PAGE}
            fields={{ _action: "delete", identifier }}
            cancel={RESOURCES_PAGE}
          />,
        );
      }
      await removeResource(deps, adminActor(c), identifier);
      return c.redirect(
        noticeURL(RESOURCES_PAGE, "resource.deleted", identifier),
        303,
      );
    }
    throw new HttpError(400, `unknown form action: ${intent || "(none)"}`);
  },
});
