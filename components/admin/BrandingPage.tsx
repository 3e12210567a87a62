/**
 * The admin Branding page: the product name, accent colour and support
 * link the end-user pages show, and the logo (an upload, or an https URL
 * the server fetches once). The page itself wears the current accent, so
 * the preview is the real thing. Server-only.
 * @module
 */
import type { VNode } from "preact";
import type { BrandingView } from "../../lib/admin/branding_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { MIN_CONTRAST } from "../../lib/branding/colour.ts";
import { LOGO_MAX_BYTES } from "../../lib/branding/logo.ts";
import { MAX_NAME_LENGTH } from "../../lib/branding/rules.ts";
import { Form } from "../Form.tsx";
import { FormAlert, Notice, PageHeader } from "./common.tsx";

export const BRANDING_PAGE = "/admin/ui/branding";

export interface BrandingPageProps {
  csrf: string;
  branding: BrandingView;
  notice?: NoticeRef;
  /** Field -> what is wrong, after a refused form. */
  errors?: Record<string, string>;
  formError?: string;
  /** The posted values, shown again after an error. */
  values?: Record<string, string>;
}

function FieldError(
  { id, error }: { id: string; error?: string },
): VNode | null {
  if (!error) return null;
  return <p class="field-error" id={`${id}-error`}>{error}</p>;
}

function TextField(
  props: {
    id: string;
    label: string;
    hint: string;
    value: string;
    error?: string;
    type?: string;
    maxLength?: number;
  },
): VNode {
  const described = [`${props.id}-hint`, props.error ? `${props.id}-error` : ""]
    .filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={`${props.id}-hint`}>{props.hint}</p>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value}
        maxLength={props.maxLength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={described}
      />
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

export function BrandingPage(props: BrandingPageProps): VNode {
  const { branding: b, csrf, errors = {}, values = {} } = props;
  const value = (name: string, current: string | null) =>
    values[name] ?? current ?? "";
  return (
    <>
      <PageHeader
        title="Branding"
        lead="The name, logo, accent colour and support link of the sign-in, consent, logout, error and account pages."
      />
      <Notice notice={props.notice} />
      {props.formError && (
        <FormAlert>
          <p>{props.formError}</p>
        </FormAlert>
      )}
      <div class="grid-2">
        <section class="card" aria-labelledby="look">
          <h2 id="look">Name, colour and support</h2>
          <Form action={BRANDING_PAGE} csrf={csrf}>
            <input type="hidden" name="_action" value="settings" />
            <TextField
              id="name"
              label="Product name"
              hint={`Shown in the header and page titles (up to ${MAX_NAME_LENGTH} characters). Empty: "Authorization Server".`}
              value={value("name", b.name)}
              error={errors.name}
              maxLength={MAX_NAME_LENGTH}
            />
            <TextField
              id="accent_color"
              label="Accent colour"
              hint={`A hex colour such as #1f5fbf for links and buttons. It must reach ${MIN_CONTRAST}:1 contrast (WCAG AA) on the light backgrounds and under white button text. Empty: the built-in blue.`}
              value={value("accent_color", b.accent_color)}
              error={errors.accent_color}
              maxLength={7}
            />
            <TextField
              id="support_url"
              label="Support link"
              hint="An https: address or a mailto: link, shown at the foot of the end-user pages. Empty: none."
              value={value("support_url", b.support_url)}
              error={errors.support_url}
              maxLength={500}
            />
            <button type="submit">Save</button>
          </Form>
        </section>
        <section class="card" aria-labelledby="logo">
          <h2 id="logo">Logo</h2>
          {b.logo
            ? (
              <>
                <p>
                  <img
                    class="brand-logo"
                    src={b.logo.url}
                    alt="The current logo"
                  />
                </p>
                <p class="muted small">
                  {b.logo.content_type}, {b.logo.bytes} bytes
                  {b.logo.source_url
                    ? `, fetched from ${b.logo.source_url}`
                    : ""}
                </p>
                <Form action={BRANDING_PAGE} csrf={csrf} class="inline">
                  <input type="hidden" name="_action" value="logo_remove" />
                  <button type="submit" class="secondary">Remove logo</button>
                </Form>
              </>
            )
            : <p class="muted">No logo: pages show the name alone.</p>}
          <Form
            action={BRANDING_PAGE}
            csrf={csrf}
            enctype="multipart/form-data"
          >
            <input type="hidden" name="_action" value="logo" />
            <div class="field">
              <label for="logo_file">Upload an image</label>
              <p class="hint" id="logo_file-hint">
                PNG, WebP or SVG, up to {LOGO_MAX_BYTES / 1024}{" "}
                KiB. It is kept in the database and served by this server, SVG
                under a policy that lets it run nothing.
              </p>
              <input
                id="logo_file"
                name="logo_file"
                type="file"
                accept="image/png,image/webp,image/svg+xml"
                aria-invalid={errors.data ? "true" : undefined}
                aria-describedby={errors.data
                  ? "logo_file-hint logo_file-error"
                  : "logo_file-hint"}
              />
              <FieldError id="logo_file" error={errors.data} />
            </div>
            <TextField
              id="logo_url"
              label="Or fetch it from an https URL"
              hint="Fetched once now and kept here; pages never load images from elsewhere."
              value={values.logo_url ?? ""}
              error={errors.url}
              type="url"
              maxLength={2000}
            />
            <button type="submit">Save logo</button>
          </Form>
        </section>
      </div>
      <section class="card" aria-labelledby="preview">
        <h2 id="preview">Preview</h2>
        <p>
          Links look <a href={BRANDING_PAGE}>like this</a>; buttons:
        </p>
        <p class="actions">
          <a class="button" href={BRANDING_PAGE}>Primary</a>
          <a class="button secondary" href={BRANDING_PAGE}>Secondary</a>
        </p>
        {b.palette && (
          <p class="muted small">
            Accent {b.palette.accent}, hover {b.palette.hover}, tint{" "}
            {b.palette.soft}.
          </p>
        )}
      </section>
    </>
  );
}
