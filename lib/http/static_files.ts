/**
 * Serves static/ (CSS and the island bundle) from memory, read once at start,
 * with an ETag so browsers revalidate cheaply.
 * @module
 */
import type { Handler } from "hono";
import { sha256 } from "../security/crypto.ts";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
};

interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

async function readTree(
  dir: URL,
  prefix: string,
  out: Map<string, StaticFile>,
): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) {
      await readTree(url, `${prefix}${entry.name}/`, out);
      continue;
    }
    const ext = entry.name.split(".").pop() ?? "";
    const type = TYPES[ext];
    if (!type) continue;
    const body = await Deno.readFile(url);
    out.set(`${prefix}${entry.name}`, {
      body,
      type,
      etag: `"${sha256(new TextDecoder().decode(body)).slice(0, 16)}"`,
    });
  }
}

/** A handler for `/static/*` over the files under `dir`. */
export async function staticFiles(dir: URL): Promise<Handler> {
  const files = new Map<string, StaticFile>();
  await readTree(dir, "", files);
  return function serveStatic(c) {
    const name = c.req.path.replace(/^\/static\//, "");
    const file = files.get(name);
    if (!file) return c.notFound();
    const headers = {
      "Content-Type": file.type,
      "Cache-Control": "public, max-age=300",
      ETag: file.etag,
    };
    if (c.req.header("If-None-Match") === file.etag) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(file.body, { headers });
  };
}
