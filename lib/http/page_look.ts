/**
 * The look and language of the page a request renders: the branding
 * (loaded once per request, before the route, from the configuration
 * cache) and the locale (`ui_locales` where the protocol carries it, then
 * Accept-Language, then DEFAULT_LOCALE). `renderPage` reads both.
 * @module
 */
import {
  type Branding,
  currentBranding,
  NO_BRANDING,
} from "../branding/branding.ts";
import { type Locale, negotiateLocale } from "../i18n/locales.ts";
import type { AppContext, Middleware } from "./define.ts";
import type { Deps } from "../deps.ts";

/**
 * Paths that never render a page of their own, or must answer without the
 * database: static files, the branding assets (they read the branding
 * themselves), health and metrics.
 */
const NO_PAGE = /^\/(?:static\/|branding\/|healthz$|metrics(?:\/|$))/;

/**
 * Loads the branding for the route's pages. A database that cannot be
 * reached fails here as it would in the route (503), never as a page
 * without its branding.
 */
export function pageLookLoader(deps: Deps): Middleware {
  return async function pageLook(c, next) {
    if (!NO_PAGE.test(c.req.path)) {
      c.set("brand", await currentBranding(deps.db));
    }
    await next();
  };
}

/** The branding of this request's pages (none when it was not loaded). */
export function pageBranding(c: AppContext): Branding {
  return c.get("brand") ?? NO_BRANDING;
}

/**
 * Records the request's `ui_locales` (an /authorize or logout parameter),
 * which outranks Accept-Language for its pages.
 */
export function setUILocales(c: AppContext, value: string | null): void {
  if (value) c.set("uiLocales", value);
}

/** The operator's pages (admin UI, first-time setup): English only. */
const OPERATOR_PAGES = /^\/(?:admin|setup)(?:\/|$)/;

/**
 * The language this request's pages are in: the operator's pages are
 * English; end-user pages negotiate.
 */
export function pageLocale(c: AppContext): Locale {
  if (OPERATOR_PAGES.test(c.req.path)) return "en";
  // A context built outside the app (a refused method) has no deps.
  return negotiateLocale({
    uiLocales: c.get("uiLocales"),
    acceptLanguage: c.req.header("Accept-Language"),
  }, c.get("deps")?.config.defaultLocale);
}
