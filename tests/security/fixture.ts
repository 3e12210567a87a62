/**
 * Shared fixture of the security tests: the app after setup with the demo
 * data, requests from a chosen peer address (the app reads the client IP
 * from the serve info, `c.env.remoteAddr`, so `fetchFrom` is an honest
 * in-process way to vary it), and small helpers for the sign-in form.
 * @module
 */
import { dumpDatabase } from "../helpers/db_dump.ts";
import { readPage, seedDemo } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/test_app.ts";

export interface SecurityApp {
  t: TestApp;
  adminToken: string;
}

/** The app after setup, seeded with alice, bob and demo-web. Close `t`. */
export async function startSecurityApp(
  options: TestAppOptions = {},
): Promise<SecurityApp> {
  const t = await startTestApp(options);
  try {
    const adminToken = await completeSetupFor(t);
    await seedDemo(t);
    return { t, adminToken };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** An in-process request that the app sees coming from `ip`. */
export async function fetchFrom(
  t: TestApp,
  ip: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const url = path.startsWith("http") ? path : `${t.base}${path}`;
  return await t.app.fetch(
    new Request(url, { redirect: "manual", ...init }),
    { remoteAddr: { hostname: ip } },
  );
}

/** The database as a sorted list of `table: row` lines. */
export async function dbLines(t: TestApp): Promise<string[]> {
  return (await dumpDatabase(t.deps.db)).split("\n").filter(Boolean).sort();
}

/** GETs an /authorize URL as a browser from `ip` and returns the page's form. */
export async function openAuthorize(
  t: TestApp,
  ip: string,
  query: URLSearchParams,
  jar: CookieJar,
): Promise<{ status: number; fields: Record<string, string>; title: string }> {
  const res = await fetchFrom(t, ip, `/authorize?${query}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
  });
  jar.capture(res);
  const page = readPage(await res.text());
  return { status: res.status, ...page };
}

/** POSTs a form from `ip` the way a browser on our origin does. */
export async function postFrom(
  t: TestApp,
  ip: string,
  path: string,
  fields: Record<string, string>,
  jar: CookieJar,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await fetchFrom(t, ip, path, {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: jar.header(),
      Origin: new URL(t.base).origin,
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
  jar.capture(res);
  return res;
}

export { CookieJar };
