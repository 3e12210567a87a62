/** Changes a client's policy row directly (the admin API does this later). */
import type { Updateable } from "kysely";
import { updatePolicy } from "../../lib/db/clients.ts";
import type { ClientPoliciesTable } from "../../lib/db/schema.ts";
import type { TestApp } from "./test_app.ts";

export async function upsertPolicyForTest(
  t: TestApp,
  clientID: string,
  values: Updateable<ClientPoliciesTable>,
): Promise<void> {
  const ok = await updatePolicy(t.deps.db, clientID, {
    ...values,
    updated_at: t.deps.now(),
  });
  if (!ok) throw new Error(`no policy for ${clientID}`);
}
