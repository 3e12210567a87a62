/**
 * The world of the self-service account tests: the app (in-process, or on
 * a real port for browsers and real clients) with the demo data (alice,
 * bob, demo-web), optionally a real SMTP server on loopback receiving the
 * server's mail, and helpers to sign in to /account and post its forms as
 * a browser does.
 * @module
 */
import { seedDemo } from "../helpers/oauth.ts";
import { type MailServer, startMailServer } from "../helpers/mail_server.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  postForm,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

export interface AccountWorld {
  t: TestApp;
  /** The SMTP server the app mails to (null: mail is off). */
  mail: MailServer | null;
  /** The admin token setup handed out. */
  adminToken: string;
  /** An admin API call with the admin token; the JSON body (null for 204). */
  api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Configure SMTP_URL / MAIL_FROM to a loopback SMTP server. */
  mail?: boolean;
  env?: Record<string, string>;
  listen?: boolean;
}

export async function accountWorld(
  options: WorldOptions = {},
): Promise<AccountWorld> {
  const mail = options.mail ? await startMailServer() : null;
  const t = await startTestApp({
    env: { ...(mail?.env ?? {}), ...options.env },
    listen: options.listen,
  });
  const adminToken = await completeSetupFor(t);
  await seedDemo(t);
  return {
    t,
    mail,
    adminToken,
    async api(method, path, body) {
      const res = await t.fetch(path, {
        method,
        headers: {
          "X-Admin-Token": adminToken,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await t.close();
      await mail?.close();
    },
  };
}

/** Signs in at /account/login; the jar then holds the session. */
export async function signInToAccount(
  t: TestApp,
  username: string,
  password: string,
  jar: CookieJar = new CookieJar(),
): Promise<Response> {
  const csrf = await openForm(t, "/account/login", jar);
  return await postForm(t, "/account/login", {
    csrf_token: csrf,
    _action: "login",
    username,
    password,
  }, jar);
}

/** Opens `path` (a page with a form), then posts `fields` to it. */
export async function submit(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  jar: CookieJar,
  options: { headers?: Record<string, string>; action?: string } = {},
): Promise<Response> {
  const csrf = await openForm(t, path, jar);
  return await postForm(
    t,
    options.action ?? path.split("?")[0],
    { csrf_token: csrf, ...fields },
    jar,
    { headers: options.headers },
  );
}

/** The whole body as text, and the response. */
export async function bodyOf(res: Response): Promise<string> {
  return await res.text();
}
