/** The first-time setup pages: the proof form and "already done". Server-only. */
import { Form } from "./Form.tsx";
import type { SetupProof } from "../lib/admin/setup.ts";

export function AlreadyDone() {
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

export function SetupForm(
  { csrf, proof, error }: { csrf: string; proof: SetupProof; error?: string },
) {
  return (
    <section class="card narrow">
      <h1>First-time setup</h1>
      <p>
        Create the admin token. It opens the admin UI and is sent as{" "}
        <code>X-Admin-Token</code>{" "}
        to the admin API. It is shown once; only a hash of it is stored.
      </p>
      {proof === "admin_token"
        ? (
          <p>
            To prove you run this server, enter the bootstrap token it was
            started with (<code>ADMIN_TOKEN</code>).
          </p>
        )
        : (
          <p>
            To prove you run this server, enter the setup code it printed in its
            log at start (the line <code>"msg":"setup code"</code>).
          </p>
        )}
      {error && <p class="error" role="alert">{error}</p>}
      <Form action="/setup" csrf={csrf}>
        <label for="setup_code">
          {proof === "admin_token" ? "ADMIN_TOKEN" : "Setup code"}
        </label>
        <input
          id="setup_code"
          name="setup_code"
          type="password"
          autocomplete="off"
          required
          autofocus
        />
        <button type="submit">Create admin token</button>
      </Form>
    </section>
  );
}
