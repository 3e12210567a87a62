/**
 * A small browser for the demo tests: fetch with cookies, following
 * redirects between a demo app and the authorization server, and answering
 * the server's sign-in and consent forms from their hidden fields (as
 * tests/helpers/oauth.ts does).
 * @module
 */
import { readPage } from "../helpers/oauth.ts";
import { CookieJar } from "../helpers/test_app.ts";

/** A page the browser ended on, and the URLs it passed through. */
export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  html: string;
  /** Every URL requested on the way, in order (the last is `url`). */
  visited: URL[];
}

export interface FollowOptions {
  /** Stop before requesting a URL for which this is true; `url` is it. */
  stopBefore?: (url: URL) => boolean;
}

export interface SignInOptions extends FollowOptions {
  username?: string;
  password?: string;
  decision?: "allow" | "deny";
}

function unescapeHTML(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The text inside the element with this id (tags dropped, unescaped). */
export function textOf(html: string, id: string): string | undefined {
  const m = html.match(
    new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`),
  );
  return m ? unescapeHTML(m[2].replace(/<[^>]+>/g, "")).trim() : undefined;
}

export class Browser {
  /**
   * Cookies per host name, as browsers keep them: not per port, so the
   * demo and the server (both on 127.0.0.1 here) share one jar.
   */
  readonly #jars = new Map<string, CookieJar>();

  #jar(url: URL): CookieJar {
    let jar = this.#jars.get(url.hostname);
    if (!jar) this.#jars.set(url.hostname, jar = new CookieJar());
    return jar;
  }

  /** One request, no redirects followed; keeps the cookies it sets. */
  async request(url: URL, init: RequestInit = {}): Promise<Response> {
    const jar = this.#jar(url);
    const headers = new Headers(init.headers);
    headers.set("Accept", "text/html");
    const cookie = jar.header();
    if (cookie) headers.set("Cookie", cookie);
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    jar.capture(res);
    return res;
  }

  /** Requests `url`, then follows redirects (303/302 as GET) to a page. */
  async go(
    url: string | URL,
    init: RequestInit = {},
    options: FollowOptions = {},
  ): Promise<Page> {
    let target = new URL(url);
    const visited: URL[] = [];
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      visited.push(target);
      const res = await this.request(target, request);
      const location = res.headers.get("Location");
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        const next = new URL(location, target);
        if (options.stopBefore?.(next)) {
          return {
            url: next,
            status: res.status,
            headers: res.headers,
            html: "",
            visited,
          };
        }
        target = next;
        request = {};
        continue;
      }
      return {
        url: target,
        status: res.status,
        headers: res.headers,
        html: await res.text(),
        visited,
      };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Posts a form as a page on `url`'s own origin does, then follows. */
  post(
    url: string | URL,
    fields: Record<string, string>,
    options: FollowOptions = {},
  ): Promise<Page> {
    const target = new URL(url);
    return this.go(target, {
      method: "POST",
      headers: {
        Origin: target.origin,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(fields),
    }, options);
  }

  /**
   * Opens `start` (a demo's /login) and answers the authorization server's
   * sign-in and consent pages until it lets go of the browser.
   */
  async signIn(
    start: string | URL,
    options: SignInOptions = {},
  ): Promise<Page> {
    let current = await this.go(start, {}, options);
    for (let step = 0; step < 4 && current.status === 200; step++) {
      const { fields } = readPage(current.html);
      const action = current.html.match(/<form method="post" action="([^"]*)"/)
        ?.[1];
      if (!action) break;
      const formURL = new URL(unescapeHTML(action), current.url);
      if (fields._action === "login") {
        current = await this.post(formURL, {
          ...fields,
          username: options.username ?? "alice",
          password: options.password ?? "alice",
        }, options);
      } else if (fields._action === "consent") {
        current = await this.post(formURL, {
          ...fields,
          decision: options.decision ?? "allow",
        }, options);
      } else {
        break;
      }
    }
    return current;
  }
}
