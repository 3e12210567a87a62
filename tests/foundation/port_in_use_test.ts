/**
 * One server per port. The threads of one server share its port
 * (SO_REUSEPORT), but a second server started on a port already served -
 * ours with any WORKERS, or any other program - stops at start with one
 * log line naming the port, instead of binding too and answering every
 * other connection from another database. Real processes on real ports.
 */
import assert from "node:assert/strict";
import {
  freePort,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";

/** The non-empty lines a server wrote; exactly one, naming `port`. */
function assertOneLineNaming(lines: string[], port: number): void {
  const written = lines.filter((l) => l.trim() !== "");
  assert.equal(written.length, 1, written.join("\n"));
  const entry = JSON.parse(written[0]);
  assert.equal(entry.level, "error");
  assert.match(entry.msg, new RegExp(`port ${port}\\b.*already in use`));
}

/** The exit status, or a failure when the server is still running after 30 s. */
async function exitOf(server: ServerProcess): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`still running:\n${server.lines.join("\n")}`));
    }, 30_000);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every one of many fresh connections to `base` is answered by `server`. */
async function answeredOnlyBy(base: string, scope: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${base}/.well-known/openid-configuration`, {
      headers: { Connection: "close" },
    });
    const doc = await res.json();
    assert.ok(
      doc.scopes_supported.includes(scope),
      `answer ${i} from elsewhere`,
    );
  }
}

async function markWithScope(
  base: string,
  adminToken: string,
  scope: string,
): Promise<void> {
  const res = await fetch(`${base}/admin/scopes`, {
    method: "POST",
    headers: {
      "X-Admin-Token": adminToken,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ name: scope }),
  });
  assert.equal(res.status, 201);
  await res.body?.cancel();
}

for (const workers of [null, "1"]) {
  Deno.test(
    `port in use: a second server on the port of a running one (WORKERS=${
      workers ?? "default"
    }) stops at start with one line naming the port; the first keeps the port`,
    async () => {
      const first = await startServer({ env: { WORKERS: workers } });
      try {
        await markWithScope(first.base, first.adminToken, "first.server");
        // Another database, the default WORKERS, the same port.
        const second = await startServer({
          port: first.port,
          waitUntilListening: false,
        });
        try {
          const status = await exitOf(second);
          assert.equal(status.code, 1, second.lines.join("\n"));
          assertOneLineNaming(second.lines, first.port);
        } finally {
          await second.close();
        }
        await answeredOnlyBy(first.base, "first.server");
      } finally {
        await first.close();
      }
    },
  );
}

Deno.test("port in use: another program listening on the port (even with SO_REUSEPORT) stops the server at start with one line", async () => {
  for (const reusePort of [true, false]) {
    const port = freePort();
    const other = Deno.listen({ hostname: "127.0.0.1", port, reusePort });
    try {
      const server = await startServer({ port, waitUntilListening: false });
      try {
        const status = await exitOf(server);
        assert.equal(status.code, 1, server.lines.join("\n"));
        assertOneLineNaming(server.lines, port);
      } finally {
        await server.close();
      }
    } finally {
      other.close();
    }
  }
});

Deno.test("port in use: of two servers started on one port at the same moment, exactly one serves", async () => {
  const port = freePort();
  const servers = await Promise.all(
    [0, 1].map(() => startServer({ port, waitUntilListening: false })),
  );
  try {
    const outcomes = await Promise.all(servers.map((s) =>
      Promise.race([
        s.exited.then((status) => ({ exited: status.code })),
        // Rejects when the server exits: the other branch has won then.
        s.waitForLine(/"msg":"listening"/).then(
          () => ({ listening: true }),
          () => new Promise<never>(() => {}),
        ),
      ])
    ));
    const running = outcomes.filter((o) => "listening" in o);
    const stopped = outcomes.filter((o) => "exited" in o);
    assert.equal(running.length, 1, JSON.stringify(outcomes));
    assert.deepEqual(stopped, [{ exited: 1 }]);
    const loser = servers[outcomes.findIndex((o) => "exited" in o)];
    assertOneLineNaming(loser.lines, port);
  } finally {
    for (const s of servers) await s.close();
  }
});
