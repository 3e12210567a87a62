import { ConfirmStep } from "../../../../components/admin/common.tsx";
import { CONFIRM } from "../../../../components/admin/confirms.ts";
import {
  clientFormValues,
  ClientPage,
  policyFormValues,
} from "../../../../components/admin/ClientPage.tsx";
import { clientHref } from "../../../../components/admin/ClientsPage.tsx";
import type { ClientFormValues } from "../../../../islands/ClientForm.tsx";
import type { PolicyFormValues } from "../../../../islands/PolicyForm.tsx";
import {
  CLIENT_EDIT_FORM,
  POLICY_FORM,
} from "../../../../lib/admin/forms/specs.ts";
import { adminActor } from "../../../../lib/admin/admin_http.ts";
import {
  getClientDetail,
  regenerateSecret,
  removeClient,
  updateClientFields,
} from "../../../../lib/admin/clients_admin.ts";
import { savePolicy } from "../../../../lib/admin/policies_admin.ts";
import {
  bodyOf,
  errorProps,
  type FormFailure,
  formFailure,
  intentOf,
  isConfirmed,
  noticeURL,
  readForm,
  valuesOf,
} from "../../../../lib/admin/ui/forms.ts";
import {
  adminCSRF,
  adminPage,
  noticeOf,
  pageParam,
} from "../../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../../lib/http/define.ts";
import { HttpError } from "../../../../lib/http/http_error.ts";

interface PageState {
  status?: number;
  client?: ClientFormValues;
  clientFailure?: FormFailure;
  policy?: PolicyFormValues;
  policyFailure?: FormFailure;
  secret?: { value: string; reason: string };
}

async function page(c: AppContext, state: PageState = {}): Promise<Response> {
  const client = await getClientDetail(c.var.deps, pageParam(c, "client_id"));
  const body = (
    <ClientPage
      csrf={adminCSRF(c)}
      client={client}
      clientForm={{
        values: state.client ?? clientFormValues(client),
        ...errorProps(CLIENT_EDIT_FORM, state.clientFailure),
      }}
      policyForm={{
        values: state.policy ?? policyFormValues(client),
        ...errorProps(POLICY_FORM, state.policyFailure),
      }}
      notice={noticeOf(c)}
      secret={state.secret}
    />
  );
  return adminPage(c, client.client_name, body, { status: state.status });
}

/** What each form on the page does; each answers 303 or re-renders. */
const INTENTS: Record<
  string,
  (c: AppContext, form: FormData, id: string) => Promise<Response>
> = {
  async update_client(c, form, id) {
    const values = valuesOf(CLIENT_EDIT_FORM, form);
    try {
      const body = bodyOf(CLIENT_EDIT_FORM, values);
      const saved = await updateClientFields(
        c.var.deps,
        adminActor(c),
        id,
        body,
      );
      if (saved.client_secret) {
        return page(c, {
          secret: { value: saved.client_secret, reason: "generated" },
        });
      }
      return c.redirect(noticeURL(clientHref(id), "client.saved"), 303);
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) throw err;
      const client = {
        ...values,
        client_id: id,
      } as unknown as ClientFormValues;
      return page(c, {
        status: failure.status,
        client,
        clientFailure: failure,
      });
    }
  },
  async update_policy(c, form, id) {
    const values = valuesOf(POLICY_FORM, form);
    try {
      await savePolicy(
        c.var.deps,
        adminActor(c),
        id,
        bodyOf(POLICY_FORM, values),
      );
      return c.redirect(noticeURL(clientHref(id), "policy.saved"), 303);
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) throw err;
      const policy = values as unknown as PolicyFormValues;
      return page(c, {
        status: failure.status,
        policy,
        policyFailure: failure,
      });
    }
  },
  async regenerate_secret(c, form, id) {
    if (!isConfirmed(form)) {
      return confirmStep(c, id, "regenerate_secret");
    }
    const { client_secret } = await regenerateSecret(
      c.var.deps,
      adminActor(c),
      id,
    );
    return page(c, { secret: { value: client_secret, reason: "regenerated" } });
  },
  async delete(c, form, id) {
    if (!isConfirmed(form)) {
      return confirmStep(c, id, "delete");
    }
    await removeClient(c.var.deps, adminActor(c), id);
    return c.redirect(
      noticeURL("/admin/ui/clients", "client.deleted", id),
      303,
    );
  },
};

function confirmStep(
  c: AppContext,
  id: string,
  intent: "delete" | "regenerate_secret",
): Response {
  const text = intent === "delete"
    ? CONFIRM.deleteClient(id)
    : CONFIRM.regenerateSecret(id);
  return adminPage(
    c,
    text.title,
    <ConfirmStep
      csrf={adminCSRF(c)}
      {...text}
      action={clientHref(id)}
      fields={{ _action: intent, client_id: id }}
      cancel={clientHref(id)}
    />,
  );
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const intent = intentOf(form);
    if (!Object.hasOwn(INTENTS, intent)) {
      throw new HttpError(400, "unknown form action");
    }
    return await INTENTS[intent](c, form, pageParam(c, "client_id"));
  },
});
