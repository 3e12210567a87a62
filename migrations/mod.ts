// Every migration, in order. Static imports so `deno bundle`/Deploy see them.
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_initial_schema.ts";
import * as m0002 from "./0002_canonical_usernames.ts";

export const MIGRATIONS: Record<string, Migration> = {
  "0001_initial_schema": m0001,
  "0002_canonical_usernames": m0002,
};
