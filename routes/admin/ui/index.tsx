import { PageHeader } from "../../../components/admin/common.tsx";
import { adminPage } from "../../../lib/admin/ui/page.tsx";
import { countObjects } from "../../../lib/db/stats.ts";
import { define } from "../../../lib/http/define.ts";

const LINKS: [string, string, string][] = [
  ["/admin/ui/clients#new-client", "New client", "Register an application"],
  ["/admin/ui/scopes#scope-form", "New scope", "Name, description, claims"],
  ["/admin/ui/users", "Users", "Accounts, passwords, consents"],
  ["/admin/ui/sessions", "Sessions", "Who is signed in; end a session"],
  ["/admin/ui/keys", "Signing keys", "Rotate, retire, delete"],
  ["/admin/ui/audit", "Audit log", "Every admin change, newest first"],
  ["/admin/ui/help", "Help", "What each field means"],
  ["/.well-known/openid-configuration", "Discovery", "The issuer's metadata"],
];

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
    return adminPage(
      c,
      "Dashboard",
      <>
        <PageHeader title="Dashboard" lead={`Issuer: ${config.issuer}`} />
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
        <section class="card" aria-labelledby="quick-links">
          <h2 id="quick-links">Quick links</h2>
          <ul class="links">
            {LINKS.map(([href, label, note]) => (
              <li key={href}>
                <a href={href}>{label}</a>
                <span>{note}</span>
              </li>
            ))}
          </ul>
        </section>
      </>,
    );
  },
});
