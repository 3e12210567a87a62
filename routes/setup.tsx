import { Form } from "../components/Form.tsx";
import CopyButton from "../islands/CopyButton.tsx";
import { completeSetup } from "../lib/admin/admin_token.ts";
import { insertAuditEvent } from "../lib/db/audit_events.ts";
import { define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";
import { clientIP } from "../lib/http/request.ts";
import { csrfToken, verifyCSRF } from "../lib/security/csrf.ts";

function AlreadyDone() {
  return (
    <section class="card narrow">
      <h1>Setup is complete</h1>
      <p>
        This server already has an admin token. Sign in at{" "}
        <a href="/admin/login">/admin/login</a>. Lost it? Run{" "}
        <code>deno task admin:reset-token</code> on the server.
      </p>
    </section>
  );
}

export const handler = define.handlers({
  async GET(c) {
    const { db, setup, config } = c.var.deps;
    if (await setup.isComplete(db)) {
      return renderPage(c, <AlreadyDone />, { title: "Setup complete" });
    }
    const csrf = csrfToken(c, config.issuer.startsWith("https:"));
    return renderPage(
      c,
      <section class="card narrow">
        <h1>First-time setup</h1>
        <p>
          Create the admin token. It opens the admin UI and is sent as{" "}
          <code>X-Admin-Token</code>{" "}
          to the admin API. It is shown once; only a hash of it is stored.
        </p>
        <Form action="/setup" csrf={csrf}>
          <button type="submit">Create admin token</button>
        </Form>
      </section>,
      { title: "First-time setup" },
    );
  },
  async POST(c) {
    const { db, setup, config, now } = c.var.deps;
    await verifyCSRF(c, config.issuer);
    const token = await completeSetup(db, now());
    if (token === null) {
      return renderPage(c, <AlreadyDone />, {
        title: "Setup complete",
        status: 409,
      });
    }
    setup.markComplete();
    await insertAuditEvent(db, {
      actor: "setup",
      action: "setup.completed",
      targetType: "server",
      ip: clientIP(c),
    }, now());
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
