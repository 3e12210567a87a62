/** The scopes page: the list, the add/edit form, delete. Server-only. */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import ScopeEditor, {
  type ScopeEditorProps,
} from "../../islands/ScopeEditor.tsx";
import type { ScopeView } from "../../lib/admin/scopes_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import {
  Badge,
  Empty,
  FormAlert,
  Notice,
  PageHeader,
  StackTable,
} from "./common.tsx";
import { CONFIRM } from "./confirms.ts";

export interface ScopesPageProps {
  csrf: string;
  scopes: ScopeView[];
  builtIn: ReadonlySet<string>;
  editor: Omit<ScopeEditorProps, "csrf">;
  notice?: NoticeRef;
  /** A refused delete: the message and the clients still using it. */
  deleteError?: { message: string; clients: string[] };
}

export function ScopesPage(props: ScopesPageProps): VNode {
  const { csrf, editor } = props;
  return (
    <>
      <PageHeader
        title="Scopes"
        lead="What clients may ask for. Descriptions appear on the consent screen; claims say what each scope releases from a user's profile."
      />
      <Notice notice={props.notice} />
      {props.deleteError && (
        <FormAlert>
          <p>{props.deleteError.message}.</p>
          {props.deleteError.clients.length > 0 && (
            <p>
              Remove it from the Allowed and Default Scopes of:{" "}
              {props.deleteError.clients.map((id, i) => (
                <span key={id}>
                  {i > 0 && ", "}
                  <a href={`/admin/ui/clients/${encodeURIComponent(id)}`}>
                    {id}
                  </a>
                </span>
              ))}
            </p>
          )}
        </FormAlert>
      )}
      <section class="card" aria-labelledby="scopes">
        <h2 id="scopes">All scopes</h2>
        {props.scopes.length === 0 ? <Empty>No scopes yet.</Empty> : (
          <StackTable
            label="Scopes"
            columns={["Name", "Description", "Claims"]}
            actions
          >
            {props.scopes.map((s) => (
              <tr key={s.name} id={`scope-${s.name}`}>
                <td data-label="Name">
                  <code>{s.name}</code>{" "}
                  {props.builtIn.has(s.name) && (
                    <Badge tone="info">built-in</Badge>
                  )}
                </td>
                <td data-label="Description">
                  {s.description || <span class="muted">—</span>}
                </td>
                <td data-label="Claims">
                  {s.claims.length
                    ? <span class="tokens">{s.claims.join(" ")}</span>
                    : <span class="muted">none</span>}
                </td>
                <td class="row-actions">
                  <a
                    class="button secondary small"
                    href={`/admin/ui/scopes?edit=${
                      encodeURIComponent(s.name)
                    }#scope-form`}
                  >
                    Edit<span class="sr-only">: scope {s.name}</span>
                  </a>
                  {!props.builtIn.has(s.name) && (
                    <ConfirmButton
                      csrf={csrf}
                      label="Delete"
                      subject={`scope ${s.name}`}
                      {...CONFIRM.deleteScope(s.name)}
                      action="/admin/ui/scopes"
                      fields={{ _action: "delete", name: s.name }}
                      api={{
                        method: "DELETE",
                        url: `/admin/scopes/${encodeURIComponent(s.name)}`,
                      }}
                      done={`/admin/ui/scopes?notice=scope.deleted&subject=${
                        encodeURIComponent(s.name)
                      }`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </StackTable>
        )}
      </section>
      <section class="card" id="scope-form" aria-labelledby="scope-form-title">
        <h2 id="scope-form-title">
          {editor.editing ? `Edit scope ${editor.values.name}` : "Add a scope"}
        </h2>
        {editor.editing && (
          <p>
            <a href="/admin/ui/scopes#scope-form">Add a new scope instead</a>
          </p>
        )}
        <ScopeEditor csrf={csrf} {...editor} />
      </section>
    </>
  );
}
