/**
 * The admin JSON API as islands call it: same-origin fetch with the admin
 * session cookie and the page's CSRF token in `X-CSRF-Token`; errors come
 * back as `{error, error_description, issues?: [{path, message}]}`.
 * @module
 */
import {
  type FieldErrors,
  issuesToErrors,
} from "../../lib/admin/forms/issues.ts";

export type { FieldErrors };

export interface APIResult {
  ok: boolean;
  status: number;
  // deno-lint-ignore no-explicit-any
  data: any;
  /** One message per field (the first segment of each issue's path). */
  errors: FieldErrors;
  /** The server's description of a failure, or a network error. */
  message: string;
}

/** Sends one admin API request; never throws. */
export async function callAPI(
  method: string,
  url: string,
  csrf: string,
  body?: unknown,
): Promise<APIResult> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "X-CSRF-Token": csrf,
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      data: null,
      errors: {},
      message: "The server could not be reached. Check your connection.",
    };
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch { /* not JSON: keep the status */ }
  if (res.ok) {
    return { ok: true, status: res.status, data, errors: {}, message: "" };
  }
  return {
    ok: false,
    status: res.status,
    data,
    errors: issuesToErrors(data?.issues),
    message: data?.error_description ??
      (res.status === 401 || res.status === 403
        ? "Your admin session has ended or the form expired; reload the page."
        : `The server answered ${res.status}.`),
  };
}
