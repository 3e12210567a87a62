import assert from "node:assert/strict";
import decodeQR from "@paulmillr/qr/decode.js";
import { qrDataURI, qrModules, qrSVG } from "./qr.ts";

const URI =
  "otpauth://totp/id.example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=id.example";

/** Paints the SVG's runs back into pixels (scale 4), as a decoder sees them. */
function rasterise(
  svg: string,
): { width: number; height: number; data: Uint8Array } {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \d+"/)![1]);
  const scale = 4;
  const width = size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  const d = svg.match(/<path fill="#000" d="([^"]+)"/)![1];
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [x0, y0, run] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = y0 * scale; y < (y0 + 1) * scale; y++) {
      for (let x = x0 * scale; x < (x0 + run) * scale; x++) {
        const i = (y * width + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return { width, height: width, data };
}

Deno.test("qr: the SVG decodes back to the otpauth URI", () => {
  assert.equal(decodeQR(rasterise(qrSVG(URI))), URI);
});

Deno.test("qr: one path, a quiet zone, and far smaller than a rect per module", () => {
  const svg = qrSVG(URI);
  assert.equal(svg.match(/<path/g)?.length, 1);
  const modules = qrModules(URI).length;
  assert.match(svg, new RegExp(`viewBox="0 0 ${modules + 8} ${modules + 8}"`));
  assert.ok(svg.length < 8000, `${svg.length} bytes`);
  const uri = qrDataURI(URI);
  assert.match(uri, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  assert.equal(atob(uri.split(",")[1]), svg);
});
