import {
  clientHref,
  ClientsPage,
  NEW_CLIENT,
} from "../../../../components/admin/ClientsPage.tsx";
import type { ClientFormValues } from "../../../../islands/ClientForm.tsx";
import { CLIENT_CREATE_FORM } from "../../../../lib/admin/forms/specs.ts";
import { adminActor } from "../../../../lib/admin/admin_http.ts";
import {
  createClient,
  listClientViews,
} from "../../../../lib/admin/clients_admin.ts";
import {
  bodyOf,
  errorProps,
  type FormFailure,
  formFailure,
  intentOf,
  readForm,
  valuesOf,
} from "../../../../lib/admin/ui/forms.ts";
import {
  adminCSRF,
  adminPage,
  noticeOf,
} from "../../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../../lib/http/define.ts";
import { HttpError } from "../../../../lib/http/http_error.ts";

async function page(
  c: AppContext,
  options: {
    status?: number;
    values?: ClientFormValues;
    failure?: FormFailure;
    created?: { client_id: string; client_secret: string };
  } = {},
): Promise<Response> {
  const form = {
    values: options.values ?? NEW_CLIENT,
    ...errorProps(CLIENT_CREATE_FORM, options.failure),
  };
  const body = (
    <ClientsPage
      csrf={adminCSRF(c)}
      clients={await listClientViews(c.var.deps)}
      form={form}
      notice={noticeOf(c)}
      created={options.created}
    />
  );
  return adminPage(c, "Clients", body, { status: options.status });
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    if (intentOf(form) !== "create") {
      throw new HttpError(400, "unknown form action");
    }
    const values = valuesOf(CLIENT_CREATE_FORM, form);
    try {
      const client = await createClient(
        c.var.deps,
        adminActor(c),
        bodyOf(CLIENT_CREATE_FORM, values),
      );
      // A confidential client's secret is shown on this answer, once: no
      // redirect, nothing stored to show it again (a reload re-posts and
      // meets 409, the id being taken).
      if (client.client_secret) {
        return page(c, {
          created: {
            client_id: client.client_id,
            client_secret: client.client_secret,
          },
        });
      }
      return c.redirect(
        `${clientHref(client.client_id)}?notice=client.created`,
        303,
      );
    } catch (err) {
      const failure = formFailure(err, "client_id");
      if (!failure) throw err;
      return page(c, {
        status: failure.status,
        values: values as unknown as ClientFormValues,
        failure,
      });
    }
  },
});
