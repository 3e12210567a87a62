import {
  adminActor,
  adminJSON,
  noContent,
  pathParam,
} from "../../../lib/admin/admin_http.ts";
import {
  getResourceView,
  removeResource,
  saveResource,
} from "../../../lib/admin/resources_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

/** The identifier is a URI: clients send it percent-encoded in the path. */
const identifierOf = (c: Parameters<typeof pathParam>[0]) =>
  pathParam(c, "identifier", "resource");

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await getResourceView(c.var.deps, identifierOf(c)));
  },
  async PATCH(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await saveResource(c.var.deps, adminActor(c), identifierOf(c), body),
    );
  },
  async DELETE(c) {
    await removeResource(c.var.deps, adminActor(c), identifierOf(c));
    return noContent(c);
  },
});
