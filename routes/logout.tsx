import { define } from "../lib/http/define.ts";
import { logoutHandler } from "./end_session.tsx";

/** The seed's app-level logout: /end_session plus revoking the user's tokens for the client. */
const appLogout = logoutHandler("/logout", { revokeTokens: true });

export const handler = define.handlers({ GET: appLogout, POST: appLogout });
