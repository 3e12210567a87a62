/**
 * The admin UI without JavaScript: every form posts to its own page and is
 * answered with 303 (Fresh's form-submission pattern) or re-rendered with
 * its field errors inline (400/409); destructive forms ask first; a client
 * secret is shown once on the page answering the POST; every page needs the
 * admin session and every post the CSRF token.
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_JWKS_MAX_AGE } from "../../lib/config.ts";
import { activationDelay } from "../../lib/key_schedule.ts";
import { HELP_TOPICS } from "../../components/admin/HelpPage.tsx";
import { demoParams, runAuthorize, tokenRequest } from "../helpers/oauth.ts";
import { basic } from "../helpers/clients.ts";
import { type AdminUI, startAdminUI } from "./ui_fixture.ts";

/** Runs `fn` against a fresh app with a signed-in admin. */
function uiTest(name: string, fn: (ui: AdminUI) => Promise<void>): void {
  Deno.test(name, async () => {
    const ui = await startAdminUI();
    try {
      await fn(ui);
    } finally {
      await ui.t.close();
    }
  });
}

/** The text of the inline error of field `id`, or null. */
function fieldError(html: string, id: string): string | null {
  const m = html.match(
    new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`),
  );
  return m ? m[1] : null;
}

/** The `<input>` tag with `id`. */
function inputTag(html: string, id: string): string {
  return html.match(new RegExp(`<input[^>]* id="${id}"[^>]*>`))?.[0] ?? "";
}

/** The value attribute of input `id`. */
function inputValue(html: string, id: string): string | null {
  return inputTag(html, id).match(/value="([^"]*)"/)?.[1] ?? null;
}

async function api(
  ui: AdminUI,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await ui.t.fetch(path, {
    method,
    headers: {
      "X-Admin-Token": ui.token,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const CONFIDENTIAL = {
  _action: "create",
  client_id: "backend",
  client_name: "Backend",
  redirect_uris: "https://backend.example/cb",
  scope: "openid profile",
  grant_types: ["authorization_code", "refresh_token", "client_credentials"],
  response_types: ["code"],
  client_type: "confidential",
  token_endpoint_auth_method: "client_secret_basic",
  require_consent: "on",
};

const PAGES = [
  "/admin/ui",
  "/admin/ui/scopes",
  "/admin/ui/clients",
  "/admin/ui/clients/demo-web",
  "/admin/ui/keys",
  "/admin/ui/users",
  "/admin/ui/sessions",
  "/admin/ui/audit",
  "/admin/ui/help",
];

uiTest(
  "admin UI: every page without a session redirects to /admin/login",
  async (ui) => {
    const alice = (await api(ui, "GET", "/admin/users")).body
      .find((u: { username: string }) => u.username === "alice");
    for (const path of [...PAGES, `/admin/ui/users/${alice.id}`]) {
      const res = await ui.t.fetch(path, {
        headers: { Accept: "text/html" },
        redirect: "manual",
      });
      await res.body?.cancel();
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get("Location"), "/admin/login", path);
    }
    // A form post without a session changes nothing.
    const res = await ui.t.fetch("/admin/ui/scopes", {
      method: "POST",
      headers: {
        Accept: "text/html",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _action: "save", name: "sneaky" }),
    });
    await res.body?.cancel();
    assert.equal(res.status, 401);
    assert.equal((await api(ui, "GET", "/admin/scopes/sneaky")).status, 404);
  },
);

uiTest(
  "admin UI: every page renders for a signed-in admin, the current one marked in the navigation",
  async (ui) => {
    for (const path of PAGES) {
      const page = await ui.get(path);
      assert.equal(page.status, 200, path);
      assert.equal(page.headers.get("Cache-Control"), "no-store", path);
      assert.match(page.html, /aria-current="page"/, path);
      for (const link of ["Clients", "Scopes", "Users", "Sessions", "Keys"]) {
        assert.match(page.html, new RegExp(`>${link}</a>`), `${path}: ${link}`);
      }
    }
    const help = await ui.get("/admin/ui/help");
    assert.doesNotMatch(
      help.html,
      /<script/,
      "a page without islands ships no script",
    );
  },
);

uiTest(
  "scopes: a scope created through the form answers 303 and is listed",
  async (ui) => {
    const res = await ui.post("/admin/ui/scopes", {
      _action: "save",
      name: "files.read",
      description: "Read your files",
      claims: "files",
    });
    assert.equal(res.status, 303);
    const location = res.headers.get("Location")!;
    assert.equal(
      location,
      "/admin/ui/scopes?notice=scope.saved&subject=files.read",
    );
    const page = await ui.get(location);
    assert.match(page.html, /role="status">Scope files.read saved.</);
    assert.match(page.html, /<tr id="scope-files.read">/);
    assert.match(page.html, /Read your files/);
    const stored = await api(ui, "GET", "/admin/scopes/files.read");
    assert.deepEqual(stored.body, {
      name: "files.read",
      description: "Read your files",
      claims: ["files"],
    });

    // ?edit= fills the form, the name read-only; saving updates in place.
    const edit = await ui.get("/admin/ui/scopes?edit=files.read");
    assert.equal(inputValue(edit.html, "scope-name"), "files.read");
    assert.match(inputTag(edit.html, "scope-name"), / readonly/);
    const again = await ui.post("/admin/ui/scopes", {
      _action: "save",
      editing: "yes",
      name: "files.read",
      description: "Read all your files",
      claims: "files files.size",
    });
    assert.equal(again.status, 303);
    const updated = await api(ui, "GET", "/admin/scopes/files.read");
    assert.deepEqual(updated.body.claims, ["files", "files.size"]);
  },
);

uiTest(
  "scopes: a bad name re-renders 400 with the error beside the field and the values kept",
  async (ui) => {
    const res = await ui.post("/admin/ui/scopes", {
      _action: "save",
      name: "files read",
      description: "Read your files",
      claims: "",
    });
    assert.equal(res.status, 400);
    assert.match(fieldError(res.html, "scope-name") ?? "", /scope token/);
    assert.match(inputTag(res.html, "scope-name"), /aria-invalid="true"/);
    assert.match(
      res.html,
      /aria-describedby="scope-name-hint scope-name-error"/,
    );
    assert.equal(inputValue(res.html, "scope-description"), "Read your files");
    assert.equal((await api(ui, "GET", "/admin/scopes")).body.length, 4);
  },
);

uiTest(
  "clients: a bad redirect URI answers 400 naming the field; nothing is created",
  async (ui) => {
    const res = await ui.post("/admin/ui/clients", {
      ...CONFIDENTIAL,
      redirect_uris: "https://ok.example/cb\nhttp://app.example.com/cb#frag",
    });
    assert.equal(res.status, 400);
    assert.match(res.html, /Redirect URIs/);
    assert.match(
      fieldError(res.html, "client-redirect_uris") ?? "",
      /http:\/\/app.example.com\/cb#frag must not contain a fragment/,
    );
    assert.match(res.html, /Please correct the fields marked below/);
    assert.equal(inputValue(res.html, "client-client_id"), "backend");
    assert.match(
      res.html,
      /https:\/\/ok.example\/cb\nhttp:\/\/app.example.com/,
    );
    assert.equal((await api(ui, "GET", "/admin/clients/backend")).status, 404);

    const http = await ui.post("/admin/ui/clients", {
      ...CONFIDENTIAL,
      redirect_uris: "http://app.example.com/cb",
    });
    assert.equal(http.status, 400);
    assert.match(
      fieldError(http.html, "client-redirect_uris") ?? "",
      /http is allowed only for localhost/,
    );
    const unknownScope = await ui.post("/admin/ui/clients", {
      ...CONFIDENTIAL,
      scope: "openid nope",
    });
    assert.equal(unknownScope.status, 400);
    assert.equal(
      fieldError(unknownScope.html, "client-scope"),
      "unknown scope: nope",
    );
  },
);

uiTest(
  "forms: a post without the CSRF token or from another origin is refused with 403",
  async (ui) => {
    const noToken = await ui.post("/admin/ui/scopes", {
      csrf_token: "",
      _action: "save",
      name: "csrf.test",
    });
    assert.equal(noToken.status, 403);
    const wrongToken = await ui.post("/admin/ui/scopes", {
      csrf_token: "A".repeat(43),
      _action: "save",
      name: "csrf.test",
    });
    assert.equal(wrongToken.status, 403);
    const foreign = await ui.post(
      "/admin/ui/scopes",
      { _action: "save", name: "csrf.test" },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    );
    assert.equal(foreign.status, 403);
    const client = await ui.post("/admin/ui/clients/demo-web", {
      csrf_token: "",
      _action: "delete",
      confirm: "yes",
    });
    assert.equal(client.status, 403);
    assert.equal((await api(ui, "GET", "/admin/scopes/csrf.test")).status, 404);
    assert.equal((await api(ui, "GET", "/admin/clients/demo-web")).status, 200);
  },
);

uiTest(
  "clients: a confidential client's secret is shown once, on the page answering the POST",
  async (ui) => {
    const res = await ui.post("/admin/ui/clients", CONFIDENTIAL);
    assert.equal(res.status, 200, "no redirect: the secret is on this answer");
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    const secret = res.html.match(/id="client-secret">([^<]+)</)?.[1];
    assert.match(secret ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.match(res.html, /data-island="CopyButton"/, "with the copy button");
    assert.match(res.html, /will not be shown again/);

    // It works, and no page shows it again.
    const token = await tokenRequest(
      ui.t,
      { grant_type: "client_credentials" },
      { Authorization: basic("backend", secret!) },
    );
    assert.equal(token.status, 200);
    for (const path of ["/admin/ui/clients", "/admin/ui/clients/backend"]) {
      assert.doesNotMatch((await ui.get(path)).html, new RegExp(secret!), path);
    }
    // Re-posting the form (a reload) creates nothing and shows no secret.
    const again = await ui.post("/admin/ui/clients", CONFIDENTIAL);
    assert.equal(again.status, 409);
    assert.match(
      fieldError(again.html, "client-client_id") ?? "",
      /already exists/,
    );
    assert.doesNotMatch(again.html, /id="client-secret"/);
  },
);

uiTest(
  "clients: a public client is created with 303 to its page, which lists every seed field and policy field with a help link",
  async (ui) => {
    const res = await ui.post("/admin/ui/clients", {
      ...CONFIDENTIAL,
      client_id: "spa",
      client_name: "Single Page",
      redirect_uris: "http://localhost:5173/callback",
      grant_types: ["authorization_code", "refresh_token"],
      client_type: "public",
      token_endpoint_auth_method: "none",
    });
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "/admin/ui/clients/spa?notice=client.created",
    );
    const page = await ui.get("/admin/ui/clients/spa?notice=client.created");
    assert.match(page.html, /role="status">Client created.</);
    assert.doesNotMatch(page.html, /id="client-secret"/);
    const labels = [
      ["Client ID", "client-id"],
      ["Client Name", "client-name"],
      ["Redirect URIs", "redirect-uris"],
      ["Client Scope", "client-scope"],
      ["Grant Types", "grant-types"],
      ["Response Types", "response-types"],
      ["Client Type", "client-type"],
      ["Token Endpoint Auth Method", "token-endpoint-auth-method"],
      ["Require Consent", "require-consent"],
      ["Allowed Scopes", "allowed-scopes"],
      ["Default Scopes", "default-scopes"],
      ["Post-Logout Redirect URIs", "post-logout-redirect-uris"],
      ["Require PKCE", "require-pkce"],
      ["Consent Policy", "consent-policy"],
      ["Access Token Lifetime (seconds)", "access-token-lifetime"],
      ["Refresh Token TTL (days)", "refresh-token-ttl"],
      ["Token Format", "token-format"],
      ["ID Token Signing Algorithm", "id-token-signing-alg"],
    ];
    for (const [label, topic] of labels) {
      assert.match(
        page.html,
        new RegExp(`>${label.replace(/[()]/g, "\\$&")}<`),
        label,
      );
      assert.match(
        page.html,
        new RegExp(
          `href="/admin/ui/help#${topic}"[^>]*><span aria-hidden="true">i</span><span class="sr-only">Help: ${
            label.replace(/[()]/g, "\\$&")
          }</span>`,
        ),
        `${label}: info link with a text alternative`,
      );
    }
    const detail = await api(ui, "GET", "/admin/clients/spa");
    assert.equal(detail.body.token_endpoint_auth_method, "none");
    assert.equal(detail.body.policy.require_pkce, true);
  },
);

uiTest(
  "clients: a public client whose auth method is not none is refused beside the field",
  async (ui) => {
    const res = await ui.post("/admin/ui/clients", {
      ...CONFIDENTIAL,
      client_type: "public",
    });
    assert.equal(res.status, 400);
    assert.match(
      fieldError(res.html, "client-token_endpoint_auth_method") ?? "",
      /public clients authenticate with none/,
    );
    assert.match(
      fieldError(res.html, "client-grant_types") ?? "",
      /public clients cannot use client_credentials/,
    );
  },
);

uiTest(
  "clients: editing the client fields answers 303; becoming confidential shows the new secret once",
  async (ui) => {
    const fields = {
      _action: "update_client",
      client_name: "Demo Web, renamed",
      redirect_uris:
        "http://localhost:3000/callback http://localhost:3000/other",
      scope: "openid profile email offline_access",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      client_type: "public",
      token_endpoint_auth_method: "none",
      require_consent: "on",
    };
    const res = await ui.post("/admin/ui/clients/demo-web", fields);
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "/admin/ui/clients/demo-web?notice=client.saved",
    );
    const saved = await api(ui, "GET", "/admin/clients/demo-web");
    assert.equal(saved.body.client_name, "Demo Web, renamed");
    assert.deepEqual(saved.body.redirect_uris, [
      "http://localhost:3000/callback",
      "http://localhost:3000/other",
    ]);

    const unchecked = await ui.post("/admin/ui/clients/demo-web", {
      ...fields,
      require_consent: [],
    });
    assert.equal(unchecked.status, 303, "an unchecked box is false");
    assert.equal(
      (await api(ui, "GET", "/admin/clients/demo-web")).body.require_consent,
      false,
    );

    const confidential = await ui.post("/admin/ui/clients/demo-web", {
      ...fields,
      client_type: "confidential",
      token_endpoint_auth_method: "client_secret_post",
    });
    assert.equal(confidential.status, 200);
    assert.match(confidential.html, /Client secret generated/);
    assert.match(confidential.html, /id="client-secret">[A-Za-z0-9_-]{43}</);
  },
);

uiTest(
  "clients: regenerating the secret asks first, then shows the new one once; the old one stops working",
  async (ui) => {
    const created = await ui.post("/admin/ui/clients", CONFIDENTIAL);
    const old = created.html.match(/id="client-secret">([^<]+)</)![1];
    const ask = await ui.post("/admin/ui/clients/backend", {
      _action: "regenerate_secret",
      client_id: "backend",
    });
    assert.equal(ask.status, 200);
    assert.match(ask.html, /Regenerate the secret of backend\?/);
    assert.match(ask.html, /name="confirm" value="yes"/);
    assert.doesNotMatch(ask.html, /id="client-secret"/);
    const creds = (secret: string) =>
      tokenRequest(ui.t, { grant_type: "client_credentials" }, {
        Authorization: basic("backend", secret),
      });
    assert.equal((await creds(old)).status, 200, "asking changed nothing");

    const done = await ui.post("/admin/ui/clients/backend", {
      _action: "regenerate_secret",
      client_id: "backend",
      confirm: "yes",
    });
    assert.equal(done.status, 200);
    const fresh = done.html.match(/id="client-secret">([^<]+)</)?.[1];
    assert.ok(fresh && fresh !== old);
    assert.match(done.html, /Client secret regenerated/);
    assert.equal((await creds(old)).status, 401);
    assert.equal((await creds(fresh)).status, 200);
    assert.doesNotMatch(
      (await ui.get("/admin/ui/clients/backend")).html,
      new RegExp(fresh),
    );
  },
);

uiTest(
  "policy: the form saves with 303; out-of-range and inconsistent values come back inline with 400",
  async (ui) => {
    const policy = {
      _action: "update_policy",
      allowed_scopes: "openid profile email",
      default_scopes: "openid profile",
      post_logout_redirect_uris:
        "http://localhost:3000/\nhttps://app.example/bye",
      require_pkce: "on",
      consent_policy: "always",
      access_token_lifetime: "1800",
      refresh_token_ttl_days: "7",
      token_format: "jwt",
      id_token_signed_response_alg: "ES256",
      refresh_reuse_grace_seconds: "15",
      require_second_factor: "on",
    };
    const res = await ui.post("/admin/ui/clients/demo-web", policy);
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "/admin/ui/clients/demo-web?notice=policy.saved",
    );
    assert.deepEqual(
      (await api(ui, "GET", "/admin/clients/demo-web/policy")).body,
      {
        allowed_scopes: "openid profile email",
        default_scopes: "openid profile",
        post_logout_redirect_uris:
          "http://localhost:3000/ https://app.example/bye",
        require_pkce: true,
        consent_policy: "always",
        access_token_lifetime: 1800,
        refresh_token_ttl_days: 7,
        token_format: "jwt",
        id_token_signed_response_alg: "ES256",
        refresh_reuse_grace_seconds: 15,
        require_second_factor: true,
        default_resource: null,
        allowed_resources: null,
      },
    );

    const bad = await ui.post("/admin/ui/clients/demo-web", {
      ...policy,
      default_scopes: "openid offline_access",
      access_token_lifetime: "10",
      refresh_token_ttl_days: "many",
      require_pkce: [],
    });
    assert.equal(bad.status, 400);
    assert.equal(
      fieldError(bad.html, "policy-default_scopes"),
      "not in allowed_scopes: offline_access",
    );
    assert.equal(
      fieldError(bad.html, "policy-access_token_lifetime"),
      "must be between 60 and 86400",
    );
    assert.equal(
      fieldError(bad.html, "policy-refresh_token_ttl_days"),
      "must be a whole number",
    );
    assert.equal(
      inputValue(bad.html, "policy-access_token_lifetime"),
      "10",
      "typed values kept",
    );
    assert.equal(
      (await api(ui, "GET", "/admin/clients/demo-web/policy")).body
        .access_token_lifetime,
      1800,
    );

    // The server's own rules (here: a public client keeps PKCE) land inline too.
    const pkce = await ui.post("/admin/ui/clients/demo-web", {
      ...policy,
      require_pkce: [],
    });
    assert.equal(pkce.status, 400);
    assert.equal(
      fieldError(pkce.html, "policy-require_pkce"),
      "public clients must use PKCE",
    );
    const unknown = await ui.post("/admin/ui/clients/demo-web", {
      ...policy,
      allowed_scopes: "openid nope",
      default_scopes: "openid",
    });
    assert.equal(unknown.status, 400);
    assert.equal(
      fieldError(unknown.html, "policy-allowed_scopes"),
      "unknown scope: nope",
    );
  },
);

uiTest(
  "scopes: delete asks for confirmation; a scope still in use answers 409 naming its clients",
  async (ui) => {
    await api(ui, "POST", "/admin/scopes", { name: "files.read" });
    await api(ui, "POST", "/admin/scopes", { name: "files.write" });
    await api(ui, "POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid profile email offline_access files.read",
    });

    const ask = await ui.post("/admin/ui/scopes", {
      _action: "delete",
      name: "files.write",
    });
    assert.equal(ask.status, 200);
    assert.match(
      ask.html,
      /<h1 id="confirm-title">Delete scope files.write\?<\/h1>/,
    );
    assert.match(ask.html, /name="confirm" value="yes"/);
    assert.match(ask.html, /href="\/admin\/ui\/scopes">Cancel</);
    assert.equal(
      (await api(ui, "GET", "/admin/scopes/files.write")).status,
      200,
    );

    const done = await ui.post("/admin/ui/scopes", {
      _action: "delete",
      name: "files.write",
      confirm: "yes",
    });
    assert.equal(done.status, 303);
    assert.equal(
      done.headers.get("Location"),
      "/admin/ui/scopes?notice=scope.deleted&subject=files.write",
    );
    assert.equal(
      (await api(ui, "GET", "/admin/scopes/files.write")).status,
      404,
    );

    const used = await ui.post("/admin/ui/scopes", {
      _action: "delete",
      name: "files.read",
      confirm: "yes",
    });
    assert.equal(used.status, 409);
    assert.match(used.html, /role="alert"/);
    assert.match(used.html, /still used by the policy of: demo-web/);
    assert.match(
      used.html,
      /<a href="\/admin\/ui\/clients\/demo-web">demo-web<\/a>/,
    );
    assert.equal(
      (await api(ui, "GET", "/admin/scopes/files.read")).status,
      200,
    );

    const builtIn = await ui.post("/admin/ui/scopes", {
      _action: "delete",
      name: "openid",
      confirm: "yes",
    });
    assert.equal(builtIn.status, 409);
    assert.match(builtIn.html, /built-in OpenID Connect scope/);
    const page = await ui.get("/admin/ui/scopes");
    assert.doesNotMatch(
      page.html.match(/<tr id="scope-openid">.*?<\/tr>/s)![0],
      /Delete/,
      "built-in scopes offer no delete button",
    );
  },
);

uiTest(
  "clients: delete asks first, then removes the client with 303 to the list",
  async (ui) => {
    const ask = await ui.post("/admin/ui/clients/demo-web", {
      _action: "delete",
      client_id: "demo-web",
    });
    assert.equal(ask.status, 200);
    assert.match(ask.html, /Delete client demo-web\?/);
    assert.equal((await api(ui, "GET", "/admin/clients/demo-web")).status, 200);
    const done = await ui.post("/admin/ui/clients/demo-web", {
      _action: "delete",
      client_id: "demo-web",
      confirm: "yes",
    });
    assert.equal(done.status, 303);
    assert.equal(
      done.headers.get("Location"),
      "/admin/ui/clients?notice=client.deleted&subject=demo-web",
    );
    assert.equal((await api(ui, "GET", "/admin/clients/demo-web")).status, 404);
    assert.equal((await ui.get("/admin/ui/clients/demo-web")).status, 404);
  },
);

uiTest(
  "keys: rotate per algorithm, retire and delete through the forms",
  async (ui) => {
    const rotate = await ui.post("/admin/ui/keys", {
      _action: "rotate",
      alg: "RS256",
    });
    assert.equal(rotate.status, 303);
    assert.equal(
      rotate.headers.get("Location"),
      "/admin/ui/keys?notice=key.rotated&subject=RS256",
    );
    assert.equal(
      (await ui.post("/admin/ui/keys", { _action: "rotate", alg: "EdDSA" }))
        .status,
      303,
    );
    type Key = { kid: string; alg: string; status: string };
    // Published at once, signing after the JWKS max-age.
    const waiting = (await api(ui, "GET", "/admin/keys")).body as Key[];
    // The first EdDSA key has no predecessor to wait for: it signs at once.
    assert.deepEqual(waiting.map((k) => `${k.alg}:${k.status}`).sort(), [
      "EdDSA:active",
      "RS256:active",
      "RS256:pending",
    ]);
    assert.match((await ui.get("/admin/ui/keys")).html, /pending/);
    ui.t.advance(activationDelay(DEFAULT_JWKS_MAX_AGE));
    const keys = (await api(ui, "GET", "/admin/keys")).body as Key[];
    assert.deepEqual(keys.map((k) => `${k.alg}:${k.status}`).sort(), [
      "EdDSA:active",
      "RS256:active",
      "RS256:retired",
    ]);
    const page = await ui.get("/admin/ui/keys");
    for (const k of keys) assert.match(page.html, new RegExp(k.kid));
    assert.match(
      page.html,
      /required \(rotate instead\)/,
      "the last RS256 key offers no retire",
    );

    const bad = await ui.post("/admin/ui/keys", {
      _action: "rotate",
      alg: "HS256",
    });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /role="alert"/);

    const eddsa = keys.find((k) => k.alg === "EdDSA")!.kid;
    const ask = await ui.post("/admin/ui/keys", {
      _action: "retire",
      kid: eddsa,
    });
    assert.equal(ask.status, 200);
    assert.match(ask.html, /Retire key/);
    assert.equal(
      (await ui.post("/admin/ui/keys", {
        _action: "retire",
        kid: eddsa,
        confirm: "yes",
      })).status,
      303,
    );

    // Deleting a key retired moments ago is refused unless forced.
    const early = await ui.post("/admin/ui/keys", {
      _action: "delete",
      kid: eddsa,
      confirm: "yes",
    });
    assert.equal(early.status, 409);
    assert.match(early.html, /may still verify unexpired tokens/);
    const forced = await ui.post("/admin/ui/keys", {
      _action: "delete",
      kid: eddsa,
      force: "true",
      confirm: "yes",
    });
    assert.equal(forced.status, 303);
    const jwks = await (await ui.t.fetch("/.well-known/jwks.json")).json();
    assert.ok(!jwks.keys.some((k: { kid: string }) => k.kid === eddsa));
  },
);

uiTest(
  "users: create, edit claims, refuse duplicates and bad JSON, disable, enable, reset the password, delete",
  async (ui) => {
    const created = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "carol",
      password: "correct horse battery",
      email: "carol@example.com",
      email_verified: "on",
      claims: '{"name": "Carol"}',
    });
    assert.equal(created.status, 303);
    const location = created.headers.get("Location")!;
    assert.match(
      location,
      /^\/admin\/ui\/users\/[0-9a-f-]{36}\?notice=user\.created$/,
    );
    const page = location.split("?")[0];
    const id = page.split("/").pop()!;
    assert.deepEqual((await api(ui, "GET", `/admin/users/${id}`)).body.claims, {
      name: "Carol",
    });

    const dup = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "Carol",
      password: "another password",
      claims: "",
    });
    assert.equal(dup.status, 409);
    assert.match(fieldError(dup.html, "user-create-username") ?? "", /taken/);
    assert.doesNotMatch(
      dup.html,
      /another password/,
      "the password is not echoed",
    );
    // Look-alikes collide with a sentence; invisible characters are refused.
    const nfc = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "\u00c9lodie",
      password: "long enough password",
      claims: "",
    });
    assert.equal(nfc.status, 303);
    const nfd = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "e\u0301lodie",
      password: "long enough password",
      claims: "",
    });
    assert.equal(nfd.status, 409);
    assert.match(
      fieldError(nfd.html, "user-create-username") ?? "",
      /the same name as \u00c9lodie/,
    );
    const zwj = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "ca\u200drol",
      password: "long enough password",
      claims: "",
    });
    assert.equal(zwj.status, 400);
    assert.match(
      fieldError(zwj.html, "user-create-username") ?? "",
      /invisible formatting characters/,
    );
    const badJSON = await ui.post("/admin/ui/users", {
      _action: "create",
      username: "dave",
      password: "short",
      claims: "{name:",
    });
    assert.equal(badJSON.status, 400);
    assert.equal(
      fieldError(badJSON.html, "user-create-claims"),
      "is not valid JSON",
    );
    assert.equal(
      fieldError(badJSON.html, "user-create-password"),
      "must be at least 8 characters",
    );

    const edit = await ui.post(page, {
      _action: "edit",
      email: "carol@example.org",
      claims: '{"name": "Carol C.", "locale": "en"}',
    });
    assert.equal(edit.status, 303);
    const user = (await api(ui, "GET", `/admin/users/${id}`)).body;
    assert.deepEqual(user.claims, { name: "Carol C.", locale: "en" });
    assert.equal(user.email_verified, false);
    const reserved = await ui.post(page, {
      _action: "edit",
      email: "",
      claims: '{"sub": "x"}',
    });
    assert.equal(reserved.status, 400);
    assert.match(
      fieldError(reserved.html, "user-edit-claims") ?? "",
      /set by the server/,
    );

    const askDisable = await ui.post(page, { _action: "disable" });
    assert.equal(askDisable.status, 200);
    assert.match(askDisable.html, /Disable carol\?/);
    assert.equal(
      (await ui.post(page, { _action: "disable", confirm: "yes" })).status,
      303,
    );
    assert.equal(
      (await api(ui, "GET", `/admin/users/${id}`)).body.disabled,
      true,
    );
    // The page now calls it a lock and offers to unlock.
    assert.match((await ui.get(page)).html, /Unlock account/);
    assert.equal((await ui.post(page, { _action: "enable" })).status, 303);
    // Locking with a reason shows it; without one the form says so.
    const noReason = await ui.post(page, { _action: "lock", lock_reason: " " });
    assert.equal(noReason.status, 400);
    assert.match(noReason.html, /Say why the account is locked/);
    assert.equal(
      (await ui.post(page, { _action: "lock", lock_reason: "left the team" }))
        .status,
      303,
    );
    const locked = (await api(ui, "GET", `/admin/users/${id}`)).body;
    assert.equal(locked.disabled, true);
    assert.equal(locked.lock_reason, "left the team");
    assert.match((await ui.get(page)).html, /Reason: left the team/);
    assert.equal((await ui.post(page, { _action: "enable" })).status, 303);
    assert.equal(
      (await api(ui, "GET", `/admin/users/${id}`)).body.lock_reason,
      null,
    );
    assert.equal(
      (await api(ui, "GET", `/admin/users/${id}`)).body.disabled,
      false,
    );

    const short = await ui.post(page, {
      _action: "password",
      password: "short",
    });
    assert.equal(short.status, 400);
    assert.equal(
      fieldError(short.html, "user-password-password"),
      "must be at least 8 characters",
    );
    const reset = await ui.post(page, {
      _action: "password",
      password: "a brand new secret",
    });
    assert.equal(reset.headers.get("Location"), `${page}?notice=user.password`);
    const flow = await runAuthorize(ui.t, demoParams().params, {
      username: "carol",
      password: "a brand new secret",
    });
    assert.ok(
      flow.location?.searchParams.get("code"),
      "the new password signs in",
    );

    assert.equal(
      (await ui.post(page, { _action: "delete", confirm: "yes" })).status,
      303,
    );
    assert.equal((await api(ui, "GET", `/admin/users/${id}`)).status, 404);
  },
);

uiTest(
  "consents and sessions: listed, revoked after confirmation",
  async (ui) => {
    const flow = await runAuthorize(ui.t, demoParams().params);
    assert.ok(flow.location?.searchParams.get("code"));
    const alice = (await api(ui, "GET", "/admin/users")).body
      .find((u: { username: string }) => u.username === "alice");
    const page = `/admin/ui/users/${alice.id}`;
    const before = await ui.get(page);
    assert.match(before.html, /Demo Web App/);
    assert.match(before.html, /email offline_access openid profile/);

    const ask = await ui.post(page, {
      _action: "revoke_consent",
      client_id: "demo-web",
    });
    assert.match(ask.html, /Revoke consent to demo-web\?/);
    const revoked = await ui.post(page, {
      _action: "revoke_consent",
      client_id: "demo-web",
      confirm: "yes",
    });
    assert.equal(
      revoked.headers.get("Location"),
      `${page}?notice=consent.revoked&subject=demo-web`,
    );
    assert.deepEqual(
      (await api(ui, "GET", `/admin/users/${alice.id}/consents`)).body,
      [],
    );

    const sessions = await ui.get("/admin/ui/sessions");
    const sessionID = sessions.html.match(/name="session_id" value="([^"]+)"/)
      ?.[1];
    assert.ok(sessionID, "alice's session is listed");
    assert.match(sessions.html, />alice</);
    const filtered = await ui.get(`/admin/ui/sessions?user_id=${alice.id}`);
    assert.match(filtered.html, new RegExp(sessionID));
    const ended = await ui.post("/admin/ui/sessions", {
      _action: "revoke",
      session_id: sessionID,
      confirm: "yes",
    });
    assert.equal(ended.status, 303);
    assert.equal(
      ended.headers.get("Location"),
      "/admin/ui/sessions?notice=session.revoked",
    );
    assert.doesNotMatch(
      (await ui.get("/admin/ui/sessions")).html,
      new RegExp(sessionID),
    );
    // Her browser must sign in again.
    const again = await runAuthorize(ui.t, demoParams().params, {
      jar: flow.jar,
    });
    assert.ok(again.pages.includes("Sign in"));
  },
);

uiTest("audit: newest first, paged with before", async (ui) => {
  for (const name of ["a.one", "a.two", "a.three"]) {
    await api(ui, "POST", "/admin/scopes", { name });
    ui.t.advance(1);
  }
  const first = await ui.get("/admin/ui/audit?limit=2&action=scope.created");
  assert.equal(first.status, 200);
  const targets = (html: string) =>
    [...html.matchAll(
      /<td data-label="Target">scope<br\/><code class="tokens">([^<]+)</g,
    )]
      .map((m) => m[1]);
  assert.deepEqual(targets(first.html), ["a.three", "a.two"]);
  const older = first.html.match(/href="([^"]+)" rel="next"/)?.[1]
    .replaceAll("&amp;", "&");
  assert.ok(older, "a link to older events");
  assert.match(older, /before=/);
  assert.match(older, /action=scope.created/, "filters carried");
  const second = await ui.get(older);
  assert.deepEqual(targets(second.html), ["a.one"]);
  assert.doesNotMatch(second.html, /rel="next"/);
  assert.match(second.html, />Newest events</);
  assert.equal((await ui.get("/admin/ui/audit?before=yesterday")).status, 400);
});

uiTest(
  "help: every info link on the admin pages has its anchor on the help page",
  async (ui) => {
    const help = await ui.get("/admin/ui/help");
    const anchors = new Set(
      [...help.html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]),
    );
    for (const topic of HELP_TOPICS) assert.ok(anchors.has(topic), topic);
    const alice = (await api(ui, "GET", "/admin/users")).body[0];
    for (const path of [...PAGES, `/admin/ui/users/${alice.id}`]) {
      const html = (await ui.get(path)).html;
      for (const m of html.matchAll(/href="\/admin\/ui\/help#([^"]+)"/g)) {
        assert.ok(anchors.has(m[1]), `${path}: #${m[1]}`);
      }
    }
  },
);

uiTest(
  "forms: every visible input, select and textarea has a label tied to it",
  async (ui) => {
    const alice = (await api(ui, "GET", "/admin/users")).body[0];
    for (const path of [...PAGES, `/admin/ui/users/${alice.id}`]) {
      const html = (await ui.get(path)).html;
      const labelled = new Set(
        [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]),
      );
      for (const m of html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
        const attrs = m[2];
        if (/type="hidden"/.test(attrs)) continue;
        const id = attrs.match(/ id="([^"]+)"/)?.[1];
        // Radios and checkboxes of a group sit inside their <label>.
        const wrapped = /type="(radio|checkbox)"/.test(attrs) && !id;
        assert.ok(
          wrapped || (id && labelled.has(id)),
          `${path}: <${m[1]}${attrs}>`,
        );
      }
    }
  },
);

uiTest("forms: odd input answers 4xx, never 5xx", async (ui) => {
  for (
    const path of [
      "/admin/ui/clients/%00",
      "/admin/ui/users/%00",
      "/admin/ui/clients/nope",
      "/admin/ui/users/nope",
    ]
  ) {
    assert.equal((await ui.get(path)).status, 404, path);
  }
  const nul = await ui.post("/admin/ui/keys", {
    _action: "retire",
    kid: "a\0b",
    confirm: "yes",
  });
  assert.equal(nul.status, 400);
  const unknown = await ui.post("/admin/ui/clients/demo-web", {
    _action: "constructor",
  });
  assert.equal(unknown.status, 400);
  const missing = await ui.post("/admin/ui/scopes", { name: "x" });
  assert.equal(missing.status, 400);
  const gone = await ui.post("/admin/ui/clients/nope", {
    csrf_token: await ui.csrf("/admin/ui/clients"),
    _action: "delete",
    confirm: "yes",
  });
  assert.equal(gone.status, 404);
  const csrf = await ui.csrf("/admin/ui/scopes");
  const json = await ui.t.fetch("/admin/ui/scopes", {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: ui.jar.header(),
      Origin: new URL(ui.t.base).origin,
      "Content-Type": "application/json",
      "X-CSRF-Token": csrf,
    },
    body: JSON.stringify({ _action: "save", name: "x" }),
  });
  await json.body?.cancel();
  assert.equal(json.status, 415);
});
