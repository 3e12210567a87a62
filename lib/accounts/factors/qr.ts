/**
 * QR codes for TOTP enrolment, drawn on the server as a small SVG (one
 * path of horizontal runs, not a rectangle per module) and handed to the
 * page as a `data:` image, which the CSP's `img-src 'self' data:` allows:
 * no script draws it and the secret never leaves this response.
 * @module
 */
import encodeQR from "@paulmillr/qr";

/** ISO/IEC 18004 §6.3.8: the quiet zone is four modules wide. */
const QUIET_ZONE = 4;

/** The QR code's modules (true: dark), without the quiet zone. */
export function qrModules(text: string): boolean[][] {
  return encodeQR(text, "raw", { ecc: "medium", border: 0 });
}

/** An SVG of the code: one path, a run of dark modules per `h` segment. */
export function qrSVG(text: string): string {
  const modules = qrModules(text);
  const size = modules.length + 2 * QUIET_ZONE;
  let path = "";
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      path += `M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h-${
        x - start
      }z`;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${path}"/></svg>`;
}

/** The SVG as a `data:` URI for an `<img src>`. */
export function qrDataURI(text: string): string {
  // The SVG is ASCII, so btoa takes it as it is.
  return `data:image/svg+xml;base64,${btoa(qrSVG(text))}`;
}
