import { describe, expect, it } from 'vitest';
import { MalformedImageError, stripJpegMetadata, stripPngMetadata, stripWebpMetadata } from '../../src/attachments/metadata.ts';
import { GPS_LATITUDE, jpegWithGps, pngWithGps, webpWithGps } from './fixtures/images.ts';

const markersOf = (jpeg: Buffer): number[] => {
  const found: number[] = [];
  let at = 2;
  while (at < jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1] as number;
    found.push(marker);
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return found;
};

describe('location data removed from photos', () => {
  it('drops a JPEG\'s APP1 Exif (with its GPS block) and keeps every other segment and the scan byte for byte', () => {
    const original = jpegWithGps();
    expect(original.includes(GPS_LATITUDE)).toBe(true);
    expect(markersOf(original)).toEqual([0xe0, 0xe1, 0xdb, 0xda]);
    const stripped = stripJpegMetadata(original);
    expect(stripped.includes(GPS_LATITUDE)).toBe(false);
    expect(stripped.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(markersOf(stripped)).toEqual([0xe0, 0xdb, 0xda]);
    const app1Length = 2 + original.readUInt16BE(4 + original.readUInt16BE(4) + 2);
    expect(stripped.length).toBe(original.length - app1Length);
    expect(stripped.subarray(-18)).toEqual(original.subarray(-18));
    // Stripping twice changes nothing more.
    expect(stripJpegMetadata(stripped)).toEqual(stripped);
  });

  it('refuses a JPEG whose segments run past its end', () => {
    const cut = jpegWithGps().subarray(0, 30);
    expect(() => stripJpegMetadata(cut)).toThrow(MalformedImageError);
    expect(() => stripJpegMetadata(Buffer.from('not a jpeg'))).toThrow('SOI');
  });

  it('drops a PNG\'s eXIf chunk and a WebP\'s EXIF chunk (clearing its VP8X flag)', () => {
    const png = stripPngMetadata(pngWithGps());
    expect(png.includes(GPS_LATITUDE)).toBe(false);
    expect(png.includes(Buffer.from('eXIf'))).toBe(false);
    expect(png.includes(Buffer.from('IDAT'))).toBe(true);
    const webp = stripWebpMetadata(webpWithGps());
    expect(webp.includes(GPS_LATITUDE)).toBe(false);
    expect(webp.includes(Buffer.from('EXIF'))).toBe(false);
    expect(webp.readUInt32LE(4)).toBe(webp.length - 8);
    expect(webp[20]! & 0x08).toBe(0);
  });
});
