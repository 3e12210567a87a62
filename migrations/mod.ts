// Every migration, in order. Static imports so `deno bundle`/Deploy see them.
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_initial_schema.ts";
import * as m0002 from "./0002_canonical_usernames.ts";
import * as m0003 from "./0003_refresh_grace_and_token_sessions.ts";
import * as m0004 from "./0004_key_activation.ts";
import * as m0005 from "./0005_second_factors.ts";
import * as m0006 from "./0006_api_resources.ts";
import * as m0007 from "./0007_accounts.ts";
import * as m0009 from "./0009_partial_token_indexes.ts";

export const MIGRATIONS: Record<string, Migration> = {
  "0001_initial_schema": m0001,
  "0002_canonical_usernames": m0002,
  "0003_refresh_grace_and_token_sessions": m0003,
  "0004_key_activation": m0004,
  "0005_second_factors": m0005,
  "0006_api_resources": m0006,
  "0007_accounts": m0007,
  "0009_partial_token_indexes": m0009,
};
