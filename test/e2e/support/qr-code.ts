import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';

/** jsqr is CommonJS: its module.exports (the default import here) carries the decoder as `default`, as its types declare. */
const jsQR = jsqrModule.default;

/** PNG's eight signature bytes (ISO/IEC 15948, 5.2): every PNG image starts with them. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The text a QR code in a PNG image encodes, read back by a QR decoder; undefined when none is found. */
export function qrCodeText(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}
