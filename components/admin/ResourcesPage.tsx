/** The API resources page: the list, the add/edit form, delete. Server-only. */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import type { ResourceView } from "../../lib/admin/resources_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { TOKEN_FORMATS } from "../../lib/oauth/vocabulary.ts";
import { Form } from "../Form.tsx";
import {
  Badge,
  Empty,
  FormAlert,
  Notice,
  PageHeader,
  StackTable,
} from "./common.tsx";
import { CONFIRM } from "./confirms.ts";

export const RESOURCES_PAGE = "/admin/ui/resources";

/** The form's text values (as posted). */
export interface ResourceFormValues {
  identifier: string;
  name: string;
  scopes: string;
  token_format: string;
  access_token_lifetime: string;
  server_client_id: string;
  is_default: boolean;
}

export const EMPTY_RESOURCE: ResourceFormValues = {
  identifier: "",
  name: "",
  scopes: "",
  token_format: "",
  access_token_lifetime: "",
  server_client_id: "",
  is_default: false,
};

export interface ResourcesPageProps {
  csrf: string;
  resources: ResourceView[];
  values: ResourceFormValues;
  editing: boolean;
  errors?: Record<string, string>;
  formError?: string;
  notice?: NoticeRef;
}

function FieldError(
  { errors, name }: { errors?: Record<string, string>; name: string },
): VNode | null {
  const message = errors?.[name];
  return message
    ? <p class="field-error" id={`${name}-error`}>{message}</p>
    : null;
}

function resourceHref(identifier: string): string {
  return `${RESOURCES_PAGE}?edit=${
    encodeURIComponent(identifier)
  }#resource-form`;
}

export function ResourcesPage(props: ResourcesPageProps): VNode {
  const { csrf, values, errors } = props;
  return (
    <>
      <PageHeader
        title="APIs"
        lead="The protected APIs (MCP servers among them) that tokens are issued for. A client names one with the resource parameter (RFC 8707); its tokens then carry the API as their audience and only the scopes it defines."
      />
      <Notice notice={props.notice} />
      <section class="card" aria-labelledby="resources">
        <h2 id="resources">All APIs</h2>
        {props.resources.length === 0
          ? <Empty>No APIs yet. Register one below.</Empty>
          : (
            <StackTable
              label="APIs"
              columns={["API", "Scopes", "Tokens", "Server"]}
              actions
            >
              {props.resources.map((r) => (
                <tr key={r.identifier}>
                  <td data-label="API">
                    <strong>{r.name}</strong>{" "}
                    {r.is_default && <Badge tone="info">default</Badge>}
                    <br />
                    <code>{r.identifier}</code>
                  </td>
                  <td data-label="Scopes">
                    {r.scopes.length
                      ? <span class="tokens">{r.scopes.join(" ")}</span>
                      : <span class="muted">none</span>}
                  </td>
                  <td data-label="Tokens">
                    {r.token_format ?? "client's format"},{" "}
                    {r.access_token_lifetime
                      ? `${r.access_token_lifetime} s`
                      : "client's lifetime"}
                  </td>
                  <td data-label="Server">
                    {r.server_client_id
                      ? <code>{r.server_client_id}</code>
                      : <span class="muted">none</span>}
                  </td>
                  <td class="row-actions">
                    <a
                      class="button secondary small"
                      href={resourceHref(r.identifier)}
                    >
                      Edit<span class="sr-only">: API {r.identifier}</span>
                    </a>
                    <ConfirmButton
                      csrf={csrf}
                      label="Delete"
                      subject={`API ${r.identifier}`}
                      {...CONFIRM.deleteResource(r.identifier)}
                      action={RESOURCES_PAGE}
                      fields={{
                        _action: "delete",
                        identifier: r.identifier,
                      }}
                      api={{
                        method: "DELETE",
                        url: `/admin/resources/${
                          encodeURIComponent(r.identifier)
                        }`,
                      }}
                      done={`${RESOURCES_PAGE}?notice=resource.deleted&subject=${
                        encodeURIComponent(r.identifier)
                      }`}
                    />
                  </td>
                </tr>
              ))}
            </StackTable>
          )}
      </section>
      <section
        class="card"
        id="resource-form"
        aria-labelledby="resource-form-title"
      >
        <h2 id="resource-form-title">
          {props.editing ? `Edit API ${values.identifier}` : "Register an API"}
        </h2>
        {props.formError && (
          <FormAlert>
            <p>{props.formError}</p>
          </FormAlert>
        )}
        <Form action={RESOURCES_PAGE} csrf={csrf}>
          <input type="hidden" name="_action" value="save" />
          {props.editing && <input type="hidden" name="editing" value="yes" />}
          <label for="identifier">Identifier (the API's URL)</label>
          <input
            id="identifier"
            name="identifier"
            type="url"
            required
            value={values.identifier}
            readOnly={props.editing}
            placeholder="https://mcp.example.com/mcp"
          />
          <FieldError errors={errors} name="identifier" />
          <label for="name">Name (shown on the consent page)</label>
          <input
            type="text"
            id="name"
            name="name"
            required
            value={values.name}
          />
          <FieldError errors={errors} name="name" />
          <label for="scopes">Scopes it defines (space-separated)</label>
          <input
            type="text"
            id="scopes"
            name="scopes"
            value={values.scopes}
            placeholder="mcp:tools"
          />
          <FieldError errors={errors} name="scopes" />
          <label for="token_format">Access token format</label>
          <select id="token_format" name="token_format">
            <option value="" selected={values.token_format === ""}>
              the client's
            </option>
            {TOKEN_FORMATS.map((f) => (
              <option value={f} key={f} selected={values.token_format === f}>
                {f}
              </option>
            ))}
          </select>
          <label for="access_token_lifetime">
            Access token lifetime (seconds, empty: the client's)
          </label>
          <input
            type="text"
            id="access_token_lifetime"
            name="access_token_lifetime"
            inputMode="numeric"
            value={values.access_token_lifetime}
          />
          <FieldError errors={errors} name="access_token_lifetime" />
          <label for="server_client_id">
            Resource server client (a confidential client that may introspect
            its tokens)
          </label>
          <input
            type="text"
            id="server_client_id"
            name="server_client_id"
            value={values.server_client_id}
          />
          <FieldError errors={errors} name="server_client_id" />
          <label class="check">
            <input
              type="checkbox"
              name="is_default"
              checked={values.is_default}
            />{" "}
            Default API (for requests that name none)
          </label>
          <div class="actions">
            <button type="submit">
              {props.editing ? "Save API" : "Register API"}
            </button>
            {props.editing && (
              <a
                class="button secondary"
                href={`${RESOURCES_PAGE}#resource-form`}
              >
                Register another instead
              </a>
            )}
          </div>
        </Form>
      </section>
    </>
  );
}
