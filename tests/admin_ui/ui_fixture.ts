/**
 * Fixture for the admin UI's no-JavaScript tests: the app after setup with
 * the demo data, an admin signed in at /admin/login (cookie jar), and
 * helpers that GET a page and POST one of its forms as a browser does.
 * @module
 */
import { seedDemo } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  signInAdmin,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/test_app.ts";

export interface Page {
  status: number;
  html: string;
  headers: Headers;
}

export interface AdminUI {
  t: TestApp;
  token: string;
  jar: CookieJar;
  /** GETs a page as the signed-in admin's browser. */
  get(path: string): Promise<Page>;
  /** The CSRF token the forms of `path` carry. */
  csrf(path: string): Promise<string>;
  /** POSTs `fields` (with the page's CSRF token unless given). */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<Page>;
}

export async function startAdminUI(
  options: TestAppOptions = {},
): Promise<AdminUI> {
  const t = await startTestApp(options);
  try {
    const token = await completeSetupFor(t);
    await seedDemo(t);
    const jar = await signInAdmin(t, token);
    const ui: AdminUI = {
      t,
      token,
      jar,
      async get(path) {
        const res = await t.fetch(path, {
          headers: { Accept: "text/html", Cookie: jar.header() },
          redirect: "manual",
        });
        jar.capture(res);
        return {
          status: res.status,
          html: await res.text(),
          headers: res.headers,
        };
      },
      csrf: (path) => openForm(t, path, jar),
      async post(path, fields, headers = {}) {
        const body = new URLSearchParams();
        if (!("csrf_token" in fields)) {
          body.append("csrf_token", await openForm(t, path, jar));
        }
        for (const [name, value] of Object.entries(fields)) {
          for (const v of Array.isArray(value) ? value : [value]) {
            body.append(name, v);
          }
        }
        // Not postForm: repeated fields (grant_types) must stay repeated.
        const res = await t.fetch(path, {
          method: "POST",
          headers: {
            Accept: "text/html",
            Cookie: jar.header(),
            Origin: new URL(t.base).origin,
            "Content-Type": "application/x-www-form-urlencoded",
            ...headers,
          },
          body,
          redirect: "manual",
        });
        jar.capture(res);
        return {
          status: res.status,
          html: await res.text(),
          headers: res.headers,
        };
      },
    };
    return ui;
  } catch (err) {
    await t.close();
    throw err;
  }
}
