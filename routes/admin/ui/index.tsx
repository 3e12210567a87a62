import { countObjects } from "../../../lib/db/stats.ts";
import { define } from "../../../lib/http/define.ts";
import { renderPage } from "../../../lib/http/render.tsx";
import { csrfToken } from "../../../lib/security/csrf.ts";

export const handler = define.handlers({
  async GET(c) {
    const { db, now, config } = c.var.deps;
    const counts = await countObjects(db, now());
    const tiles: [string, number, string][] = [
      ["Clients", counts.clients, "/admin/ui/clients"],
      ["Scopes", counts.scopes, "/admin/ui/scopes"],
      ["Users", counts.users, "/admin/ui/users"],
      ["Signing keys", counts.signingKeys, "/admin/ui/keys"],
      ["Active sessions", counts.activeSessions, "/admin/ui/sessions"],
    ];
    return renderPage(
      c,
      <section>
        <h1>Dashboard</h1>
        <ul class="tiles">
          {tiles.map(([label, n, href]) => (
            <li key={href}>
              <a href={href}>
                <strong>{n}</strong>
                <span>{label}</span>
              </a>
            </li>
          ))}
        </ul>
        <p class="muted">Issuer: {config.issuer}</p>
      </section>,
      {
        title: "Admin dashboard",
        admin: true,
        csrf: csrfToken(c, config.issuer.startsWith("https:")),
      },
    );
  },
});
