import assert from "node:assert/strict";
import { SetupState } from "../admin/admin_token.ts";
import type { Deps } from "../deps.ts";
import { mayNeedSetupRedirect, setupRedirects } from "./base.ts";

const get = (accept: string) =>
  new Request("http://127.0.0.1/userinfo", { headers: { Accept: accept } });

Deno.test("setup redirect: only a browser's GET waits for a thread to learn that setup is done", () => {
  const setup = new SetupState();
  const deps = { setup } as unknown as Deps;
  const redirects = setupRedirects("/userinfo");
  assert.equal(redirects, true);
  // A thread that has not seen setup done: the browser's GET must ask.
  assert.equal(mayNeedSetupRedirect(deps, get("text/html"), redirects), true);
  // API clients are never redirected, whatever the thread knows.
  assert.equal(
    mayNeedSetupRedirect(deps, get("application/json"), redirects),
    false,
  );
  assert.equal(mayNeedSetupRedirect(deps, get("*/*"), redirects), false);
  // A path exempt from the redirect never asks.
  assert.equal(
    mayNeedSetupRedirect(
      deps,
      get("text/html"),
      setupRedirects("/.well-known/jwks.json"),
    ),
    false,
  );
  // Once known, nobody asks again.
  setup.markComplete();
  assert.equal(mayNeedSetupRedirect(deps, get("text/html"), redirects), false);
});
