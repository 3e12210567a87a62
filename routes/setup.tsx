import { AlreadyDone, SetupForm } from "../components/SetupPages.tsx";
import CopyButton from "../islands/CopyButton.tsx";
import { finishSetup, setupProof } from "../lib/admin/setup.ts";
import { define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";
import { clientIP } from "../lib/http/request.ts";
import { csrfToken, verifyCSRF } from "../lib/security/csrf.ts";
import { servedOverHTTPS } from "../lib/config.ts";
import { retryAfterHeaders } from "../lib/http/http_error.ts";

export const handler = define.handlers({
  async GET(c) {
    const { db, setup, config } = c.var.deps;
    if (await setup.isComplete(db)) {
      return renderPage(c, <AlreadyDone />, { title: "Setup complete" });
    }
    const csrf = csrfToken(c, servedOverHTTPS(config));
    return renderPage(
      c,
      <SetupForm csrf={csrf} proof={setupProof(config.bootstrapAdminToken)} />,
      { title: "First-time setup" },
    );
  },
  async POST(c) {
    const { deps } = c.var;
    await verifyCSRF(c, deps.config.issuer);
    const body = await c.req.parseBody();
    const result = await finishSetup(deps, {
      proof: typeof body.setup_code === "string" ? body.setup_code : "",
      ip: clientIP(c),
    });
    if (result.kind === "already_done") {
      return renderPage(c, <AlreadyDone />, {
        title: "Setup complete",
        status: 409,
      });
    }
    if (result.kind !== "done") {
      const proof = setupProof(deps.config.bootstrapAdminToken);
      const limited = result.kind === "limited";
      return renderPage(
        c,
        <SetupForm
          csrf={csrfToken(c, servedOverHTTPS(deps.config))}
          proof={proof}
          error={limited
            ? "Too many wrong attempts. Try again later."
            : proof === "admin_token"
            ? "That is not the ADMIN_TOKEN this server was started with."
            : "That is not the setup code in this server's log."}
        />,
        {
          title: "First-time setup",
          status: limited ? 429 : 401,
          headers: retryAfterHeaders(limited ? result.retryAfter : undefined),
        },
      );
    }
    const { token } = result;
    return renderPage(
      c,
      <section class="card narrow">
        <h1>Your admin token</h1>
        <p>
          Copy it now and keep it somewhere safe. It will not be shown again.
        </p>
        <p>
          <code class="secret" id="admin-token">{token}</code>
        </p>
        <p class="actions">
          <CopyButton text={token} label="Copy token" />
          <a class="button" href="/admin/login">Continue to sign in</a>
        </p>
      </section>,
      { title: "Admin token created" },
    );
  },
});
