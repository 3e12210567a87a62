import { ConfirmStep } from "../../../components/admin/common.tsx";
import { CONFIRM } from "../../../components/admin/confirms.ts";
import {
  REGISTRATION_PAGE,
  RegistrationPage,
} from "../../../components/admin/RegistrationPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  listClientViews,
  updateClientFields,
} from "../../../lib/admin/clients_admin.ts";
import {
  getRegistrationSettings,
  issueInitialAccessToken,
  listInitialAccessTokenViews,
  revokeInitialAccessToken,
  saveRegistrationSettings,
} from "../../../lib/admin/registration_admin.ts";
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
  options: { status?: number; failure?: FormFailure; issued?: string } = {},
): Promise<Response> {
  const deps = c.var.deps;
  const clients = (await listClientViews(deps)).filter((client) =>
    client.registration_type !== "admin"
  );
  return adminPage(
    c,
    "Registration",
    <RegistrationPage
      csrf={adminCSRF(c)}
      settings={await getRegistrationSettings(deps)}
      tokens={await listInitialAccessTokenViews(deps)}
      clients={clients}
      issued={options.issued}
      errors={options.failure?.errors}
      formError={options.failure?.message}
      notice={noticeOf(c)}
    />,
    { status: options.status },
  );
}

/** A whole number field as the API expects it (else the text, refused there). */
function number(form: FormData, name: string): number | string {
  const value = field(form, name).trim();
  return /^\d+$/.test(value) ? Number(value) : value;
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const deps = c.var.deps;
    const who = adminActor(c);
    const intent = intentOf(form);
    try {
      switch (intent) {
        case "settings": {
          const current = await getRegistrationSettings(deps);
          const body: Record<string, unknown> = {
            allowed_hosts: field(form, "allowed_hosts"),
            denied_hosts: field(form, "denied_hosts"),
            min_cache_seconds: number(form, "min_cache_seconds"),
            max_cache_seconds: number(form, "max_cache_seconds"),
          };
          // A pinned setting's control is disabled, so it is not posted.
          for (const name of ["public_clients", "confidential_clients"]) {
            if (!current.pinned.includes(name)) body[name] = field(form, name);
          }
          if (!current.pinned.includes("metadata_documents")) {
            body.metadata_documents = form.has("metadata_documents");
          }
          await saveRegistrationSettings(deps, who, body);
          return c.redirect(
            noticeURL(REGISTRATION_PAGE, "registration.saved"),
            303,
          );
        }
        case "issue_token": {
          const days = number(form, "expires_in_days");
          const issued = await issueInitialAccessToken(deps, who, {
            description: field(form, "description"),
            uses: number(form, "uses"),
            expires_in: typeof days === "number" ? days * 86400 : days,
          });
          return page(c, { status: 201, issued: issued.token });
        }
        case "revoke_token": {
          const id = field(form, "id");
          if (!isConfirmed(form)) {
            return adminPage(
              c,
              "Revoke token",
              <ConfirmStep
                csrf={adminCSRF(c)}
                {...CONFIRM.revokeInitialAccessToken(id)}
                action={REGISTRATION_PAGE}
                fields={{ _action: "revoke_token", id }}
                cancel={REGISTRATION_PAGE}
              />,
            );
          }
          await revokeInitialAccessToken(deps, who, id);
          return c.redirect(noticeURL(REGISTRATION_PAGE, "iat.revoked"), 303);
        }
        case "disable":
        case "enable": {
          const clientID = field(form, "client_id");
          if (intent === "disable" && !isConfirmed(form)) {
            return adminPage(
              c,
              "Disable client",
              <ConfirmStep
                csrf={adminCSRF(c)}
                {...CONFIRM.blockClient(clientID)}
                action={REGISTRATION_PAGE}
                fields={{ _action: "disable", client_id: clientID }}
                cancel={REGISTRATION_PAGE}
              />,
            );
          }
          await updateClientFields(deps, who, clientID, {
            disabled: intent === "disable",
          });
          return c.redirect(
            noticeURL(
              REGISTRATION_PAGE,
              intent === "disable" ? "client.disabled" : "client.enabled",
              clientID,
            ),
            303,
          );
        }
      }
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) throw err;
      return page(c, { status: failure.status, failure });
    }
    throw new HttpError(400, `unknown form action: ${intent || "(none)"}`);
  },
});
