/**
 * First-time setup requires proof that the person at /setup runs the
 * server: the bootstrap `ADMIN_TOKEN` when it is set, otherwise a one-time
 * setup code the server prints in its log at start (like Jupyter's token
 * or Vault's unseal output). Only the code's SHA-256 is stored (in
 * server_settings, so every thread and instance on the database checks the
 * same one); each start makes a new one until setup is done, and setup
 * deletes it. Attempts count against the setup budget per address before
 * the proof is compared; wrong proofs are audited.
 * @module
 */
import { insertAuditEvent } from "../db/audit_events.ts";
import type { DB } from "../db/schema.ts";
import { findSetting, upsertSetting } from "../db/settings.ts";
import type { Deps } from "../deps.ts";
import type { Logger } from "../log.ts";
import { setupCounters } from "../security/budget_counters.ts";
import { checking } from "../security/rate_limit.ts";
import { sha256, timingSafeEqual } from "../security/crypto.ts";
import { completeSetup, SETUP_CODE_KEY } from "./admin_token.ts";
/** Crockford's base32: no I, L, O, U, so a code read aloud is unambiguous. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** What /setup asks for: the bootstrap token, or the logged setup code. */
export type SetupProof = "admin_token" | "setup_code";

export function setupProof(bootstrapToken: string | null): SetupProof {
  return bootstrapToken === null ? "setup_code" : "admin_token";
}

/** A code as typed: case, spaces and dashes do not matter. */
function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, "");
}

/**
 * Makes a new setup code (80 bits, `XXXX-XXXX-XXXX-XXXX`), stores its hash
 * in place of any earlier one, and returns it.
 */
export async function issueSetupCode(db: DB, now: number): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = [...bytes].map((b) => ALPHABET[b & 31]).join("");
  const code = chars.match(/.{4}/g)!.join("-");
  await upsertSetting(db, SETUP_CODE_KEY, sha256(normalizeCode(code)), now);
  return code;
}

/**
 * At start, before any thread serves: when setup is not done and no
 * ADMIN_TOKEN is set, issues a setup code and prints it (one JSON line).
 * The code is the one secret ever logged: it is useless once setup is done.
 */
export async function announceSetupCode(
  deps: Pick<Deps, "db" | "config" | "now" | "setup">,
  log: Logger,
): Promise<void> {
  if (await deps.setup.isComplete(deps.db)) return;
  const url = `${deps.config.issuer}/setup`;
  if (deps.config.bootstrapAdminToken !== null) {
    log.log("info", "setup pending", {
      url,
      hint: `open ${url} and enter the ADMIN_TOKEN to create the admin token`,
    });
    return;
  }
  const code = await issueSetupCode(deps.db, deps.now());
  log.log("info", "setup code", {
    code,
    url,
    hint:
      `open ${url} and enter this code to create the admin token; a new code is printed at each start until setup is done`,
  });
}

/** Whether `presented` is the proof setup asks for, in constant time. */
async function proofMatches(
  db: DB,
  bootstrapToken: string | null,
  presented: string,
): Promise<boolean> {
  if (presented.length === 0 || presented.length > 512) return false;
  if (bootstrapToken !== null) {
    return timingSafeEqual(sha256(presented), sha256(bootstrapToken));
  }
  const stored = await findSetting(db, SETUP_CODE_KEY);
  return stored !== null &&
    timingSafeEqual(sha256(normalizeCode(presented)), stored);
}

export type SetupResult =
  | { kind: "done"; token: string }
  | { kind: "already_done" }
  | { kind: "refused"; proof: SetupProof }
  | { kind: "limited"; retryAfter: number };

/**
 * POST /setup: checks the proof against the setup budget of `ip`, then
 * creates the admin token (exactly once, also when two browsers race).
 */
export async function finishSetup(
  deps: Deps,
  input: { proof: string; ip: string | null },
): Promise<SetupResult> {
  const { db, config, setup, now } = deps;
  if (await setup.isComplete(db)) return { kind: "already_done" };
  const admission = await deps.budgets.begin(
    setupCounters(input.ip),
    now() * 1000,
  );
  if (!admission.ok) {
    return { kind: "limited", retryAfter: admission.retryAfter };
  }
  const kind = setupProof(config.bootstrapAdminToken);
  const right = await checking(
    admission.attempt,
    () => proofMatches(db, config.bootstrapAdminToken, input.proof),
  );
  if (!right) {
    await admission.attempt.failed();
    await insertAuditEvent(db, {
      actor: "anonymous",
      action: "setup.failed",
      targetType: "server",
      ip: input.ip,
      detail: { proof: kind },
    }, now());
    return { kind: "refused", proof: kind };
  }
  await admission.attempt.succeeded();
  const token = await completeSetup(db, now());
  if (token === null) return { kind: "already_done" };
  setup.markComplete();
  await insertAuditEvent(db, {
    actor: "setup",
    action: "setup.completed",
    targetType: "server",
    ip: input.ip,
    detail: { proof: kind },
  }, now());
  return { kind: "done", token };
}
