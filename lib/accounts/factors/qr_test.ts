import assert from "node:assert/strict";
import { readQR } from "../../../tests/helpers/qr_image.ts";
import { qrDataURI, qrModules, qrSVG } from "./qr.ts";
import { generateTOTPSecret, otpauthURI } from "./totp.ts";

const URI =
  "otpauth://totp/id.example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=id.example";

Deno.test("qr: the SVG decodes back to the otpauth URI", () => {
  assert.equal(readQR(qrSVG(URI)), URI);
});

Deno.test("qr: every enrolment's code reads back, whatever mask its secret lands on", () => {
  // Each secret gives different data bits, error-correction codewords and
  // mask choice; one code in about 30 once defeated a weaker decoder.
  for (let i = 0; i < 300; i++) {
    const uri = otpauthURI(generateTOTPSecret(), "id.example.com", "alice");
    assert.equal(readQR(qrSVG(uri)), uri);
  }
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
