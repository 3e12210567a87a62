import { HelpPage } from "../../../components/admin/HelpPage.tsx";
import { adminPage } from "../../../lib/admin/ui/page.tsx";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  GET: (c) => adminPage(c, "Help", <HelpPage />),
});
