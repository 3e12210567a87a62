import assert from "node:assert/strict";
import { checking, type Counter, FailureBudgets } from "./rate_limit.ts";
import {
  createSharedCounterMemory,
  SharedCounters,
} from "./shared_counters.ts";

const T0 = 1_700_000_100_000;
const BUDGET = { limit: 3, windowSeconds: 60 };
const counter = (id: string): Counter => ({
  bucket: "test",
  id,
  budget: BUDGET,
});

async function withBudgets(
  fn: (b: FailureBudgets, kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new FailureBudgets(kv, new SharedCounters()), kv);
  } finally {
    kv.close();
  }
}

Deno.test("budgets: the attempt past the limit is refused before anything is evaluated, with Retry-After to the window's end; success is not counted", async () => {
  await withBudgets(async (budgets) => {
    for (let i = 0; i < BUDGET.limit; i++) {
      const a = await budgets.begin([counter("k")], T0);
      assert.ok(a.ok);
      await a.attempt.succeeded();
    }
    for (let i = 0; i < BUDGET.limit; i++) {
      const a = await budgets.begin([counter("k")], T0);
      assert.ok(a.ok, `failure ${i + 1} is evaluated`);
      await a.attempt.failed();
    }
    const refused = await budgets.begin([counter("k")], T0 + 20_000);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.bucket, "test");
    // T0 starts a 60 s window: 20 s in, 40 s are left.
    assert.equal(!refused.ok && refused.retryAfter, 40);
    // Another key, and the next window, are untouched.
    assert.ok((await budgets.begin([counter("other")], T0)).ok);
    assert.ok((await budgets.begin([counter("k")], T0 + 60_000)).ok);
  });
});

Deno.test("budgets: 50 attempts begun at once admit only the limit, and a refusal on a later counter leaves nothing on the earlier ones", async () => {
  await withBudgets(async (budgets) => {
    // Each admitted attempt fails at once, as a wrong password does.
    const admissions = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const a = await budgets.begin([counter("k")], T0);
        if (a.ok) await a.attempt.failed();
        return a;
      }),
    );
    assert.equal(admissions.filter((a) => a.ok).length, BUDGET.limit);
    assert.equal((await budgets.begin([counter("k")], T0)).ok, false);

    // "first" then the spent "k": refused, and "first" is not charged.
    for (let i = 0; i < 10; i++) {
      const a = await budgets.begin([counter("first"), counter("k")], T0);
      assert.equal(a.ok, false);
    }
    for (let i = 0; i < BUDGET.limit; i++) {
      const a = await budgets.begin([counter("first")], T0);
      assert.ok(a.ok, `first ${i + 1}`);
      await a.attempt.failed();
    }
  });
});

Deno.test("budgets: two tables over one shared buffer (two threads of a process) see each other's attempts in flight", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const shared = createSharedCounterMemory();
    const a = new FailureBudgets(kv, new SharedCounters(shared));
    const b = new FailureBudgets(kv, new SharedCounters(shared));
    const held = [];
    for (let i = 0; i < BUDGET.limit; i++) {
      const x = await (i % 2 ? a : b).begin([counter("k")], T0);
      assert.ok(x.ok);
      held.push(x);
    }
    // Nothing has failed yet, but the limit is in flight across both: the
    // next attempt on either thread waits for room, and gets it when they
    // succeed.
    let admitted = false;
    const waiting = a.begin([counter("k")], T0).then((x) => {
      admitted = x.ok;
      return x;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(admitted, false, "still waiting while the limit is in flight");
    for (const x of held) if (x.ok) await x.attempt.succeeded();
    const next = await waiting;
    assert.ok(next.ok);
    // And when the attempts in flight fail instead, the waiting one is refused.
    const more = [];
    for (let i = 0; i < BUDGET.limit - 1; i++) {
      more.push(await b.begin([counter("k")], T0));
    }
    const refused = a.begin([counter("k")], T0);
    if (next.ok) await next.attempt.failed();
    for (const x of more) if (x.ok) await x.attempt.failed();
    assert.equal((await refused).ok, false);
  } finally {
    kv.close();
  }
});

Deno.test("budgets: a burst of right secrets larger than the budget is served: attempts wait for room instead of being refused", async () => {
  await withBudgets(async (budgets) => {
    const admissions = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const a = await budgets.begin([counter("k")], T0);
        if (a.ok) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await a.attempt.succeeded();
        }
        return a.ok;
      }),
    );
    assert.equal(admissions.filter(Boolean).length, 50);
  });
});

Deno.test("budgets: a synchronous check is counted and settled in one step: a burst of right secrets larger than the budget is answered at once, a burst of wrong ones evaluates only the budget", async () => {
  await withBudgets(async (budgets) => {
    // The first read of the key's count goes to KV; then it is reused.
    const first = await budgets.evaluate([counter("k")], T0, () => null);
    assert.deepEqual(first, { ok: true, failure: null });
    let evaluated = 0;
    // 50 attempts at once, each answering `failure` when it is evaluated.
    const burst = (failure: string | null) =>
      Promise.all(
        Array.from({ length: 50 }, () =>
          budgets.evaluate([counter("k")], T0, () => {
            evaluated++;
            return failure;
          })),
      );
    let timerRan = false;
    const timer = setTimeout(() => timerRan = true, 0);
    const rights = await burst(null);
    // No attempt waited for room (a wait is a timer).
    assert.equal(timerRan, false, "answered before any timer ran");
    clearTimeout(timer);
    assert.equal(evaluated, 50);
    assert.ok(rights.every((r) => r.ok && r.failure === null));

    evaluated = 0;
    const wrongs = await burst("wrong secret");
    assert.equal(evaluated, BUDGET.limit, "only the budget is evaluated");
    assert.equal(
      wrongs.filter((r) => r.ok && r.failure === "wrong secret").length,
      BUDGET.limit,
    );
    assert.ok(wrongs.filter((r) => !r.ok).every((r) => r.bucket === "test"));
    // Spent: a right secret is refused too, before it is looked at.
    const after = await budgets.evaluate([counter("k")], T0, () => {
      throw new Error("must not be evaluated");
    });
    assert.equal(after.ok, false);
  });
});

Deno.test("budgets: a synchronous check that throws is abandoned: nothing counted, nothing left in flight", async () => {
  await withBudgets(async (budgets) => {
    for (let i = 0; i < BUDGET.limit * 3; i++) {
      await assert.rejects(
        budgets.evaluate([counter("k")], T0, () => {
          throw new Error("broken");
        }),
        /broken/,
      );
    }
    for (let i = 0; i < BUDGET.limit; i++) {
      const r = await budgets.evaluate([counter("k")], T0, () => "wrong");
      assert.deepEqual(r, { ok: true, failure: "wrong" });
    }
    assert.equal((await budgets.begin([counter("k")], T0)).ok, false);
  });
});

Deno.test("budgets: a check that throws (the database is down) is abandoned: no failure counted, nothing left in flight", async () => {
  await withBudgets(async (budgets) => {
    for (let i = 0; i < BUDGET.limit * 3; i++) {
      const a = await budgets.begin([counter("k")], T0);
      assert.ok(a.ok, `attempt ${i + 1} during the outage is admitted`);
      await assert.rejects(
        checking(a.attempt, () => Promise.reject(new Error("db down"))),
        /db down/,
      );
    }
    // After the outage the whole budget is there.
    for (let i = 0; i < BUDGET.limit; i++) {
      const a = await budgets.begin([counter("k")], T0);
      assert.ok(a.ok);
      await a.attempt.failed();
    }
    assert.equal((await budgets.begin([counter("k")], T0)).ok, false);
  });
});

Deno.test("budgets: forgetting a counter on success resets it; old windows are swept from KV", async () => {
  await withBudgets(async (budgets, kv) => {
    for (let i = 0; i < BUDGET.limit - 1; i++) {
      const a = await budgets.begin([counter("device")], T0);
      assert.ok(a.ok);
      await a.attempt.failed();
    }
    const right = await budgets.begin([counter("device")], T0);
    assert.ok(right.ok);
    await right.attempt.succeeded({ forget: [counter("device")] });
    for (let i = 0; i < BUDGET.limit; i++) {
      const a = await budgets.begin([counter("device")], T0);
      assert.ok(a.ok, `the full budget again (${i + 1})`);
      await a.attempt.failed();
    }
    // Two windows later a failure sweeps the old window's keys.
    const later = await budgets.begin([counter("x")], T0 + 120_000);
    assert.ok(later.ok);
    await later.attempt.failed();
    const keys = [];
    for await (const e of kv.list({ prefix: ["budget", "test"] })) {
      keys.push(e.key);
    }
    assert.deepEqual(keys, [[
      "budget",
      "test",
      Math.floor((T0 + 120_000) / 60_000),
      "x",
    ]]);
  });
});

Deno.test("budgets: when the counters cannot be read the answer is limited, never allowed", async () => {
  const kv = await Deno.openKv(":memory:");
  const budgets = new FailureBudgets(kv, new SharedCounters());
  kv.close();
  const a = await budgets.begin([counter("k")], T0);
  assert.equal(a.ok, false);
  assert.equal(!a.ok && a.bucket, "unavailable");
  assert.ok(!a.ok && a.retryAfter >= 1);
});
