// Removing what a photo says about where it was taken before anyone else sees it: EXIF (with its
// GPS block) and XMP in JPEG APP1 segments, PNG eXIf chunks, WebP EXIF and XMP chunks. The image
// data itself is copied byte for byte. A file whose structure does not add up is refused, not
// passed on half-read.

export class MalformedImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedImageError';
  }
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const XMP_EXTENSION_HEADER = Buffer.from('http://ns.adobe.com/xmp/extension/\0', 'latin1');

const startsWith = (segment: Buffer, header: Buffer): boolean => segment.subarray(0, header.length).equals(header);

/**
 * A JPEG without its APP1 Exif and XMP segments. Segments are walked from SOI to SOS (after SOS
 * comes entropy-coded data, copied as it is); markers without a length (RSTn, TEM) are copied.
 */
export function stripJpegMetadata(jpeg: Buffer): Buffer {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new MalformedImageError('not a JPEG: it does not start with SOI');
  const kept: Buffer[] = [jpeg.subarray(0, 2)];
  let at = 2;
  for (;;) {
    if (at + 4 > jpeg.length) throw new MalformedImageError(`the JPEG ends inside its headers (at byte ${at})`);
    if (jpeg[at] !== 0xff) throw new MalformedImageError(`expected a JPEG marker at byte ${at}`);
    const marker = jpeg[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(jpeg.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (marker === 0xd9) {
      kept.push(jpeg.subarray(at, at + 2));
      return Buffer.concat(kept);
    }
    const length = jpeg.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > jpeg.length) throw new MalformedImageError(`a JPEG segment at byte ${at} runs past the end of the file`);
    const segment = jpeg.subarray(at, at + 2 + length);
    const payload = segment.subarray(4);
    const metadata = marker === 0xe1 && (startsWith(payload, EXIF_HEADER) || startsWith(payload, XMP_HEADER) || startsWith(payload, XMP_EXTENSION_HEADER));
    if (!metadata) kept.push(segment);
    at += 2 + length;
    if (marker === 0xda) {
      kept.push(jpeg.subarray(at));
      return Buffer.concat(kept);
    }
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG without its eXIf chunks (and without text chunks that carry a raw EXIF or XMP profile). */
export function stripPngMetadata(png: Buffer): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new MalformedImageError('not a PNG: wrong signature');
  const kept: Buffer[] = [png.subarray(0, 8)];
  let at = 8;
  while (at < png.length) {
    if (at + 12 > png.length) throw new MalformedImageError(`the PNG ends inside a chunk header (at byte ${at})`);
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) throw new MalformedImageError(`the PNG chunk ${type} at byte ${at} runs past the end of the file`);
    const keyword = png.toString('latin1', at + 8, Math.min(at + 8 + 80, end - 4)).split('\0')[0] ?? '';
    const textual = type === 'tEXt' || type === 'zTXt' || type === 'iTXt';
    const metadata = type === 'eXIf' || (textual && /^(Raw profile type (exif|xmp|APP1)|XML:com\.adobe\.xmp)$/i.test(keyword));
    if (!metadata) kept.push(png.subarray(at, end));
    at = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(kept);
}

/** A WebP without its EXIF and XMP chunks; the RIFF size and the VP8X flags are corrected. */
export function stripWebpMetadata(webp: Buffer): Buffer {
  if (webp.length < 12 || webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') {
    throw new MalformedImageError('not a WebP: no RIFF/WEBP header');
  }
  const kept: Buffer[] = [];
  let at = 12;
  while (at < webp.length) {
    if (at + 8 > webp.length) throw new MalformedImageError(`the WebP ends inside a chunk header (at byte ${at})`);
    const type = webp.toString('latin1', at, at + 4);
    const size = webp.readUInt32LE(at + 4);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > webp.length) throw new MalformedImageError(`the WebP chunk ${type} at byte ${at} runs past the end of the file`);
    if (type !== 'EXIF' && type !== 'XMP ') {
      const chunk = Buffer.from(webp.subarray(at, Math.min(end, webp.length)));
      // VP8X flags: bit 3 says EXIF is present, bit 2 XMP.
      if (type === 'VP8X' && chunk.length > 8) chunk[8] = (chunk[8] as number) & ~0x0c;
      kept.push(chunk);
    }
    at = end;
  }
  const body = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
