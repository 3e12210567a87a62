import assert from "node:assert/strict";
import { issuePaths, startAdminApp } from "./admin_fixture.ts";

Deno.test("admin scopes: the seed README's curls work verbatim (list, upsert, delete)", async () => {
  const { t, api } = await startAdminApp();
  try {
    // curl "$BASE/admin/scopes" -H "X-Admin-Token: <ADMIN_TOKEN>"
    const list = await api("GET", "/admin/scopes");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((s: { name: string }) => s.name),
      ["email", "offline_access", "openid", "profile"],
    );
    for (const s of list.body) {
      assert.deepEqual(Object.keys(s).sort(), [
        "claims",
        "description",
        "name",
      ]);
      assert.ok(Array.isArray(s.claims));
    }
    // curl -X POST "$BASE/admin/scopes" … -d '{"name":"files.read",…}'
    const created = await api(
      "POST",
      "/admin/scopes",
      '{"name":"files.read","description":"Read your files","claims":["files"]}',
    );
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, {
      name: "files.read",
      description: "Read your files",
      claims: ["files"],
    });
    const again = await api(
      "POST",
      "/admin/scopes",
      '{"name":"files.read","description":"Read all your files","claims":["files"]}',
    );
    assert.equal(again.status, 200);
    assert.equal(again.body.description, "Read all your files");
    const listed = await api("GET", "/admin/scopes");
    assert.deepEqual(
      listed.body.find((s: { name: string }) => s.name === "files.read"),
      {
        name: "files.read",
        description: "Read all your files",
        claims: [
          "files",
        ],
      },
    );
    // curl -X DELETE "$BASE/admin/scopes/files.read" …
    const deleted = await api("DELETE", "/admin/scopes/files.read");
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, null);
    const after = await api("GET", "/admin/scopes");
    assert.ok(
      !after.body.some((s: { name: string }) => s.name === "files.read"),
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: an update that omits description or claims keeps them", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/scopes", {
      name: "photos",
      description: "See your photos",
      claims: ["photos_url"],
    });
    const res = await api("POST", "/admin/scopes", {
      name: "photos",
      claims: "photos_url albums",
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      name: "photos",
      description: "See your photos",
      claims: ["photos_url", "albums"],
    });
    const fresh = await api("POST", "/admin/scopes", { name: "bare" });
    assert.equal(fresh.status, 201);
    assert.deepEqual(fresh.body, { name: "bare", description: "", claims: [] });
    const one = await api("GET", "/admin/scopes/photos");
    assert.equal(one.status, 200);
    assert.equal(one.body.description, "See your photos");
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: names must be scope tokens; bad fields answer 400 naming them", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (
      const name of ["two words", 'quo"te', "back\\slash", "", "x".repeat(101)]
    ) {
      const res = await api("POST", "/admin/scopes", { name });
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.equal(res.body.error, "invalid_request");
      assert.deepEqual(issuePaths(res.body), ["name"]);
      assert.match(res.body.error_description, /^name: /);
    }
    const claims = await api("POST", "/admin/scopes", {
      name: "ok",
      claims: [1, 2],
    });
    assert.equal(claims.status, 400);
    assert.ok(issuePaths(claims.body).every((p) => p.startsWith("claims")));
    const missing = await api("POST", "/admin/scopes", { description: "x" });
    assert.equal(missing.status, 400);
    assert.deepEqual(issuePaths(missing.body), ["name"]);
    const typo = await api("POST", "/admin/scopes", {
      name: "ok",
      descripton: "typo",
    });
    assert.equal(typo.status, 400);
    assert.match(typo.body.error_description, /descripton/);
    const notObject = await api("POST", "/admin/scopes", "[1,2]");
    assert.equal(notObject.status, 400);
    const badJSON = await api("POST", "/admin/scopes", '{"name":');
    assert.equal(badJSON.status, 400);
    assert.equal(badJSON.body.error, "invalid_request");
    const form = await api("POST", "/admin/scopes", "name=x", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    assert.equal(form.status, 415);
    const scopes = await api("GET", "/admin/scopes");
    assert.equal(scopes.body.length, 4, "nothing was written");
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: deleting an unknown scope is 404", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("DELETE", "/admin/scopes/nope");
    assert.equal(res.status, 404);
    assert.equal(res.body.error, "not_found");
    assert.match(res.body.error_description, /nope/);
    const get = await api("GET", "/admin/scopes/nope");
    assert.equal(get.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: the built-in OIDC scopes can be edited but not deleted (409)", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    for (const name of ["openid", "profile", "email", "offline_access"]) {
      const res = await api("DELETE", `/admin/scopes/${name}`);
      assert.equal(res.status, 409, name);
      assert.equal(res.body.error, "conflict");
      assert.equal(res.body.built_in, true);
    }
    const edited = await api("POST", "/admin/scopes", {
      name: "profile",
      description: "Your name",
    });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.description, "Your name");
    assert.ok(edited.body.claims.includes("given_name"));
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: a scope a client policy still uses cannot be deleted (409 naming the clients)", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/scopes", { name: "files.read" });
    await api("POST", "/admin/scopes", { name: "files" });
    const policy = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid profile files.read",
      default_scopes: "openid",
    });
    assert.equal(policy.status, 200);
    const busy = await api("DELETE", "/admin/scopes/files.read");
    assert.equal(busy.status, 409);
    assert.deepEqual(busy.body.clients, ["demo-web"]);
    assert.match(busy.body.error_description, /demo-web/);
    // "files" is a prefix of "files.read" but not used itself.
    const prefix = await api("DELETE", "/admin/scopes/files");
    assert.equal(prefix.status, 204);
    await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid profile",
    });
    const freed = await api("DELETE", "/admin/scopes/files.read");
    assert.equal(freed.status, 204);
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: a name with a slash is addressed percent-encoded", async () => {
  const { t, api } = await startAdminApp();
  try {
    const created = await api("POST", "/admin/scopes", { name: "api/read" });
    assert.equal(created.status, 201);
    const got = await api("GET", "/admin/scopes/api%2Fread");
    assert.equal(got.status, 200);
    assert.equal(got.body.name, "api/read");
    const deleted = await api("DELETE", "/admin/scopes/api%2Fread");
    assert.equal(deleted.status, 204);
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: discovery shows a new or deleted scope at once", async () => {
  const { t, api } = await startAdminApp();
  try {
    const scopesSupported = async (): Promise<string[]> => {
      const res = await t.fetch("/.well-known/openid-configuration");
      return (await res.json()).scopes_supported;
    };
    assert.ok(!(await scopesSupported()).includes("files.read"));
    await api("POST", "/admin/scopes", {
      name: "files.read",
      claims: ["files"],
    });
    assert.ok((await scopesSupported()).includes("files.read"));
    const res = await t.fetch("/.well-known/openid-configuration");
    assert.ok((await res.json()).claims_supported.includes("files"));
    await api("DELETE", "/admin/scopes/files.read");
    assert.ok(!(await scopesSupported()).includes("files.read"));
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: each write leaves an audit event with actor, target and IP", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/scopes", { name: "files.read" });
    await api("POST", "/admin/scopes", { name: "files.read", claims: ["f"] });
    await api("DELETE", "/admin/scopes/files.read");
    const audit = await api("GET", "/admin/audit?target_type=scope");
    assert.deepEqual(
      audit.body.events.map((e: { action: string }) => e.action),
      ["scope.deleted", "scope.updated", "scope.created"],
    );
    for (const e of audit.body.events) {
      assert.equal(e.actor, "admin-token");
      assert.equal(e.target_id, "files.read");
    }
  } finally {
    await t.close();
  }
});

Deno.test("admin scopes: without a valid admin token the API answers 401 and writes nothing", async () => {
  const { t, api } = await startAdminApp();
  try {
    const none = await t.fetch("/admin/scopes", {
      headers: { Accept: "application/json" },
    });
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error, "unauthorized");
    const wrong = await t.fetch("/admin/scopes", {
      method: "POST",
      headers: {
        "X-Admin-Token": "not-the-token",
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ name: "sneaky" }),
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const list = await api("GET", "/admin/scopes");
    assert.ok(!list.body.some((s: { name: string }) => s.name === "sneaky"));
  } finally {
    await t.close();
  }
});
