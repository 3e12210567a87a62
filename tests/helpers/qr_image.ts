/**
 * A QR code SVG of lib/accounts/factors/qr.ts painted into RGBA pixels
 * (4 per module), as a camera would see it, for @paulmillr/qr's decoder.
 * @module
 */

export interface RGBAImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Paints the SVG's runs (`M x y h n …`) black on white. */
export function rasteriseQR(svg: string): RGBAImage {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \d+"/)![1]);
  const scale = 4;
  const width = size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
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

/** The same, from the `data:image/svg+xml;base64,…` URI a page shows. */
export function rasteriseQRDataURI(uri: string): RGBAImage {
  return rasteriseQR(atob(uri.split(",")[1]));
}
