/**
 * Reads a QR code SVG of lib/accounts/factors/qr.ts the way a phone's
 * camera would: painted into RGBA pixels (4 per module) and decoded by
 * jsQR. (@paulmillr/qr's own decoder, tried first, refuses about 3% of
 * valid codes with "invalid format pattern" or "invalid errors number";
 * zbarimg and jsQR read those same codes.)
 * @module
 */
import jsQRModule from "jsqr";

// jsqr is a UMD bundle whose module.exports is the function itself, while
// its types declare it as an ES default export: Deno types the default
// import as the module, so the call signature is restored here.
const jsQR = jsQRModule as unknown as typeof import("jsqr").default;

export interface RGBAImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Paints the SVG's runs (`M x y h n …`) black on white. */
export function rasteriseQR(svg: string): RGBAImage {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \d+"/)![1]);
  const scale = 4;
  const width = size * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  const path = svg.match(/<path fill="#000" d="([^"]+)"/)![1];
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [x0, y0, run] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = y0 * scale; y < (y0 + 1) * scale; y++) {
      const row = y * width;
      data.fill(0, (row + x0 * scale) * 4, (row + (x0 + run) * scale) * 4);
    }
  }
  // fill(0) blackened the alpha bytes too: make every pixel opaque again.
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height: width, data };
}

/** The text the code holds; throws when no QR code can be read. */
export function readQR(svg: string): string {
  const image = rasteriseQR(svg);
  const found = jsQR(image.data, image.width, image.height);
  if (!found) throw new Error("no QR code could be read from the SVG");
  return found.data;
}

/** The same, from the `data:image/svg+xml;base64,…` URI a page shows. */
export function readQRDataURI(uri: string): string {
  return readQR(atob(uri.split(",")[1]));
}
