/**
 * An https server on a loopback address with the test CA's certificate
 * (tests/fixtures/tls), for what the server itself fetches: Client ID
 * Metadata Documents. `ca` is what the fetcher must trust.
 * @module
 */
const DIR = new URL("../fixtures/tls/", import.meta.url);

export const TEST_CA_PEM = Deno.readTextFileSync(new URL("ca.pem", DIR));
export const TEST_CA_FILE = new URL("ca.pem", DIR).pathname;

export interface TLSServer {
  /** https://<address>:<port> */
  origin: string;
  port: number;
  /** Requests seen, by path. */
  hits: string[];
  close(): Promise<void>;
}

/** Serves `handler` over https on `hostname` (default 127.0.0.2). */
export function serveTLS(
  handler: (req: Request) => Response | Promise<Response>,
  hostname = "127.0.0.2",
): TLSServer {
  const hits: string[] = [];
  const server = Deno.serve({
    hostname,
    port: 0,
    cert: Deno.readTextFileSync(new URL("server.pem", DIR)),
    key: Deno.readTextFileSync(new URL("server.key", DIR)),
    onListen: () => {},
  }, (req) => {
    hits.push(new URL(req.url).pathname);
    return handler(req);
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    origin: `https://${hostname}:${port}`,
    port,
    hits,
    close: () => server.shutdown(),
  };
}
