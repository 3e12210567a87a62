/**
 * MCP demo: a small Model Context Protocol server (Streamable HTTP, the
 * official `@modelcontextprotocol/sdk` server side) protected by this
 * authorization server the way the MCP authorization spec asks:
 *
 * - RFC 9728 protected-resource metadata at
 *   `/.well-known/oauth-protected-resource/mcp` (and without the suffix)
 *   names this server's resource identifier, the authorization server and
 *   the scope `mcp:tools`;
 * - `/mcp` without a valid token answers 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…", scope="mcp:tools"`, so
 *   a client discovers everything from that one answer;
 * - every token is checked for this audience: a JWT access token (RFC 9068)
 *   against the JWKS, with `aud` = this resource, or an opaque token at
 *   /introspect with this resource server's own credentials (RFC 7662
 *   §2.1, MCP_CLIENT_ID/MCP_CLIENT_SECRET), whose answer must name this
 *   resource in `aud`;
 * - one tool, `whoami`, answers who is calling (the token's subject, the
 *   client and the scopes).
 *
 *     deno task demo:mcp   # env: AS_URL, MCP_PORT, MCP_RESOURCE, MCP_CLIENT_ID, MCP_CLIENT_SECRET
 *
 * The only setup on the authorization server is the API resource itself
 * (examples/README.md); MCP clients register themselves (Client ID
 * Metadata Documents or dynamic registration).
 * @module
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, jwtVerify } from "jose";

/** The scope this MCP server's tools need. */
export const MCP_SCOPE = "mcp:tools";

export interface McpDemoOptions {
  /** The authorization server's issuer. */
  issuer: string;
  /** This server's resource identifier (RFC 8707), e.g. http://127.0.0.1:3002/mcp. */
  resource: string;
  /** Credentials for /introspect (opaque tokens); JWTs need none. */
  introspection?: { clientID: string; clientSecret: string };
}

/** What a verified token says. */
interface Caller {
  sub: string;
  clientID: string;
  scopes: string[];
  token: string;
  expiresAt?: number;
}

class Unauthorized extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly error: "invalid_token" | "insufficient_scope" | null,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 9728 §3.1: the metadata URL for a resource with a path. */
export function protectedResourceMetadataURL(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/**
 * The MCP server as a fetch handler.
 *
 * @example
 * ```ts
 * const handler = createMcpDemo({ issuer, resource: "http://127.0.0.1:3002/mcp" });
 * Deno.serve({ port: 3002 }, handler);
 * ```
 */
export function createMcpDemo(
  options: McpDemoOptions,
): (req: Request) => Promise<Response> {
  const resourcePath = new URL(options.resource).pathname;
  const metadataURL = protectedResourceMetadataURL(options.resource);
  const jwks = createRemoteJWKSet(
    new URL(`${options.issuer}/.well-known/jwks.json`),
  );

  /** RFC 9728 §2: what a client needs to find the authorization server. */
  const metadata = {
    resource: options.resource,
    authorization_servers: [options.issuer],
    scopes_supported: [MCP_SCOPE],
    bearer_methods_supported: ["header"],
    resource_name: "MCP demo (whoami)",
  };

  /** RFC 9068 §4: signature, issuer, type and audience. */
  async function verifyJWT(token: string): Promise<Caller> {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: options.issuer,
      audience: options.resource,
      typ: "at+jwt",
    });
    return {
      sub: String(payload.sub),
      clientID: String(payload.client_id),
      scopes: String(payload.scope ?? "").split(" ").filter(Boolean),
      token,
      expiresAt: payload.exp,
    };
  }

  /** RFC 7662 §2.1: asked with this resource server's own credentials. */
  async function introspect(token: string): Promise<Caller> {
    if (!options.introspection) {
      throw new Unauthorized(
        401,
        "invalid_token",
        "opaque tokens need MCP_CLIENT_ID",
      );
    }
    const { clientID, clientSecret } = options.introspection;
    const res = await fetch(`${options.issuer}/introspect`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${clientID}:${clientSecret}`)}`,
      },
      body: new URLSearchParams({ token }),
    });
    const body = await res.json();
    const audience = Array.isArray(body.aud) ? body.aud : [body.aud];
    if (!body.active || !audience.includes(options.resource)) {
      throw new Unauthorized(
        401,
        "invalid_token",
        "the token is not active for this resource",
      );
    }
    return {
      sub: body.sub,
      clientID: body.client_id,
      scopes: String(body.scope ?? "").split(" ").filter(Boolean),
      token,
      expiresAt: body.exp,
    };
  }

  async function authenticate(req: Request): Promise<Caller> {
    const header = req.headers.get("Authorization") ?? "";
    const match = header.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new Unauthorized(401, null, "a bearer token is required");
    const token = match[1];
    let caller: Caller;
    try {
      caller = token.split(".").length === 3
        ? await verifyJWT(token)
        : await introspect(token);
    } catch (err) {
      if (err instanceof Unauthorized) throw err;
      throw new Unauthorized(
        401,
        "invalid_token",
        "the token is invalid or not for this resource",
      );
    }
    if (!caller.scopes.includes(MCP_SCOPE)) {
      throw new Unauthorized(
        403,
        "insufficient_scope",
        `the token lacks ${MCP_SCOPE}`,
      );
    }
    return caller;
  }

  /** RFC 6750 §3 with RFC 9728 §5.1's resource_metadata. */
  function challenge(err: Unauthorized): Response {
    const parts = [
      `Bearer resource_metadata="${metadataURL}"`,
      `scope="${MCP_SCOPE}"`,
    ];
    if (err.error) {
      parts.push(`error="${err.error}"`);
      parts.push(`error_description="${err.message}"`);
    }
    return Response.json({
      error: err.error ?? "unauthorized",
      error_description: err.message,
    }, {
      status: err.status,
      headers: { "WWW-Authenticate": parts.join(", ") },
    });
  }

  function server(caller: Caller): McpServer {
    const mcp = new McpServer({ name: "whoami-demo", version: "1.0.0" });
    const whoami = (
      extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
    ): CallToolResult => {
      const info = extra.authInfo;
      const sub = (info?.extra?.sub as string | undefined) ?? caller.sub;
      const scopes = (info?.scopes ?? caller.scopes).join(" ");
      return {
        content: [{
          type: "text",
          text: `You are ${sub}, calling through ${
            info?.clientId ?? caller.clientID
          } with ${scopes}.`,
        }],
      };
    };
    mcp.registerTool("whoami", {
      title: "Who am I",
      description:
        "Says who is calling: the user, the client and the scopes of the token",
    }, whoami);
    return mcp;
  }

  return async function mcpDemo(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (
      req.method === "GET" &&
      (url.pathname === new URL(metadataURL).pathname ||
        url.pathname === "/.well-known/oauth-protected-resource")
    ) {
      return Response.json(metadata, {
        headers: { "Access-Control-Allow-Origin": "*" },
      });
    }
    if (url.pathname !== resourcePath) {
      return Response.json({ error: "not_found" }, { status: 404 });
    }
    let caller: Caller;
    try {
      caller = await authenticate(req);
    } catch (err) {
      if (err instanceof Unauthorized) return challenge(err);
      throw err;
    }
    const authInfo: AuthInfo = {
      token: caller.token,
      clientId: caller.clientID,
      scopes: caller.scopes,
      expiresAt: caller.expiresAt,
      resource: new URL(options.resource),
      extra: { sub: caller.sub },
    };
    // Stateless: a fresh transport and server per request.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const mcp = server(caller);
    await mcp.connect(transport);
    const res = await transport.handleRequest(req, { authInfo });
    return res;
  };
}

if (import.meta.main) {
  const port = Number(Deno.env.get("MCP_PORT") ?? 3002);
  const issuer = (Deno.env.get("AS_URL") ?? "http://127.0.0.1:8000").replace(
    /\/+$/,
    "",
  );
  const resource = Deno.env.get("MCP_RESOURCE") ??
    `http://127.0.0.1:${port}/mcp`;
  const clientID = Deno.env.get("MCP_CLIENT_ID");
  const clientSecret = Deno.env.get("MCP_CLIENT_SECRET");
  const handler = createMcpDemo({
    issuer,
    resource,
    introspection: clientID && clientSecret
      ? { clientID, clientSecret }
      : undefined,
  });
  Deno.serve({ hostname: "127.0.0.1", port }, handler);
  console.log(
    `MCP demo at ${resource} (metadata: ${
      protectedResourceMetadataURL(resource)
    })`,
  );
}
