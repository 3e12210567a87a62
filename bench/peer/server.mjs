/**
 * node-oidc-provider for `deno task bench --peer oidc-provider`, run by
 * Node.js: config.mjs's configuration, fresh signing keys (RSA 2048 for
 * RS256, Ed25519 for EdDSA, as ours), the library's in-memory adapter, and
 * the sign-in and consent pages oidc-provider leaves to the application
 * (its "interactions"), kept as small as its example's: a password form
 * checked with argon2id at our cost (m=19 MiB, t=2, p=1, @node-rs/argon2 as
 * in lib/security/password.ts), and a consent form that grants what was
 * asked.
 *
 * ```sh
 * PORT=8001 ISSUER=http://127.0.0.1:8001 node bench/peer/server.mjs
 * ```
 * @module
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import Provider from "oidc-provider";
import setup from "./clients.json" with { type: "json" };
import { configuration } from "./config.mjs";

const { PORT, ISSUER } = process.env;
const FORM_LIMIT = 16 * 1024;
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

function signingKey(type, alg, options) {
  const { privateKey } = generateKeyPairSync(type, options);
  const jwk = privateKey.export({ format: "jwk" });
  return { ...jwk, alg, use: "sig", kid: randomBytes(8).toString("hex") };
}

/** Users by username, each with its argon2id PHC hash. */
const users = new Map();
for (const user of setup.users) {
  users.set(user.username, {
    ...user,
    sub: randomBytes(12).toString("hex"),
    hash: await hash(user.password, ARGON2),
  });
}
const bySub = new Map([...users.values()].map((u) => [u.sub, u]));

function findAccount(_ctx, sub) {
  const user = bySub.get(sub);
  if (!user) return undefined;
  return {
    accountId: sub,
    claims: () => ({
      sub,
      email: user.email,
      email_verified: true,
      preferred_username: user.username,
      ...user.claims,
    }),
  };
}

const provider = new Provider(
  ISSUER,
  configuration({
    keys: [
      signingKey("rsa", "RS256", { modulusLength: 2048 }),
      signingKey("ed25519", "EdDSA"),
    ],
    cookieKeys: [randomBytes(32).toString("base64url")],
    findAccount,
  }),
);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, uid, action, fields) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>` +
    `<form method="post" action="/interaction/${escape(uid)}/${action}">` +
    `<input type="hidden" name="_action" value="${action}">${fields}` +
    `<button type="submit">Continue</button></form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > FORM_LIMIT) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** The login and consent pages, and their form posts. */
async function interactions(ctx, next) {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(\w+))?$/);
  if (!match) return await next();
  ctx.set("Cache-Control", "no-store");
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { uid, prompt, params } = details;
  const [, , step] = match;
  if (ctx.method === "GET" && !step) {
    ctx.type = "html";
    ctx.body = prompt.name === "login"
      ? page(
        "Sign in",
        uid,
        "login",
        '<input name="username" autocomplete="username">' +
          '<input name="password" type="password">',
      )
      : page(
        `Allow ${params.client_id}?`,
        uid,
        "consent",
        `<p>${escape(params.scope)}</p>`,
      );
    return;
  }
  if (ctx.method !== "POST" || step !== prompt.name) {
    ctx.status = 400;
    ctx.body = `expected ${prompt.name}`;
    return;
  }
  const form = await readForm(ctx.req);
  if (step === "login") {
    const user = users.get(form.get("username") ?? "");
    const ok = user
      ? await verify(user.hash, form.get("password") ?? "")
      : false;
    if (!ok) {
      ctx.status = 200;
      ctx.type = "html";
      ctx.body = page("Sign in", uid, "login", "<p>Wrong password.</p>");
      return;
    }
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: user.sub },
    }, { mergeWithLastSubmission: false });
    return;
  }
  // Consent: grant what the prompt says is missing, as the example does.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
      accountId: details.session.accountId,
      clientId: params.client_id,
    });
  if (prompt.details.missingOIDCScope) {
    grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
  }
  if (prompt.details.missingOIDCClaims) {
    grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  }
  const grantId = await grant.save();
  ctx.respond = false;
  await provider.interactionFinished(ctx.req, ctx.res, {
    consent: details.grantId ? {} : { grantId },
  }, { mergeWithLastSubmission: true });
}

provider.use(interactions);
provider.on("server_error", (_ctx, err) => console.error("server_error", err));
provider.listen(Number(PORT), "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${ISSUER}`);
});
