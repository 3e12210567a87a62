import {
  adminActor,
  adminJSON,
  noContent,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import {
  getClientDetail,
  removeClient,
  updateClientFields,
} from "../../../../lib/admin/clients_admin.ts";
import { type AppContext, define } from "../../../../lib/http/define.ts";
import { readJSON } from "../../../../lib/http/json_body.ts";

/** PUT and PATCH both apply the fields given and keep the rest. */
async function update(c: AppContext): Promise<Response> {
  const body = await readJSON(c.req.raw);
  return adminJSON(
    c,
    await updateClientFields(
      c.var.deps,
      adminActor(c),
      pathParam(c, "client_id", "client"),
      body,
    ),
  );
}

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(
      c,
      await getClientDetail(c.var.deps, pathParam(c, "client_id", "client")),
    );
  },
  PUT: update,
  PATCH: update,
  async DELETE(c) {
    await removeClient(
      c.var.deps,
      adminActor(c),
      pathParam(c, "client_id", "client"),
    );
    return noContent(c);
  },
});
