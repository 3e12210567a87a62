import { define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";

export const handler = define.handlers({
  GET: (c) =>
    renderPage(
      c,
      <section class="card narrow">
        <h1>Authorization Server</h1>
        <p>
          An OAuth 2.0 and OpenID Connect provider. Applications send people
          here to sign in.
        </p>
        <ul>
          <li>
            <a href="/.well-known/openid-configuration">Discovery document</a>
          </li>
          <li>
            <a href="/.well-known/jwks.json">Signing keys (JWKS)</a>
          </li>
          <li>
            <a href="/admin/login">Administration</a>
          </li>
        </ul>
        <p class="muted">Issuer: {c.var.deps.config.issuer}</p>
      </section>,
      { title: "Authorization Server" },
    ),
});
