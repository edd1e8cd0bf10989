import fs from 'node:fs';

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

import { SynganError } from '../core/errors';

/** One decoded image: 8-bit pixels, row-major HWC. */
export interface DecodedImage {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when the bytes start with the PNG signature. */
export function isPngBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE);
}

/** True when the bytes start with a JPEG start-of-image marker (FF D8 FF). */
export function isJpegBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Encodes 8-bit pixels (`height × width × channels`, row-major) as a PNG: grayscale (color type
 * 0) for one channel, RGB (color type 2) for three.
 */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): Buffer {
  if (pixels.length !== height * width * channels) {
    throw new Error(`encodePng: ${pixels.length} bytes do not match ${height}×${width}×${channels}`);
  }
  const colorType = channels === 1 ? 0 : 2;
  const png = { width, height, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) } as PNG;
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
}

/** Composites RGBA bytes onto black and keeps one channel (gray) or three (RGB). */
function fromRgba(rgba: Uint8Array, pixelCount: number, channels: 1 | 3, hasAlpha: boolean): Uint8Array {
  const out = new Uint8Array(pixelCount * channels);
  for (let p = 0; p < pixelCount; p += 1) {
    const alpha = hasAlpha ? rgba[4 * p + 3] : 255;
    for (let c = 0; c < channels; c += 1) {
      const value = rgba[4 * p + c];
      out[p * channels + c] = alpha === 255 ? value : Math.round((value * alpha) / 255);
    }
  }
  return out;
}

/** Bit depths the PNG specification allows for each colour type. */
const PNG_BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Throws unless the IHDR chunk (the first chunk) has a colour type and bit depth pngjs decodes. */
function checkPngHeader(bytes: Buffer, file: string): void {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new SynganError(`${file}: unreadable PNG image (the IHDR header chunk is missing)`,
      { hint: 'the file is corrupt or truncated; export it again or remove it from the folder' });
  }
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  const allowed = PNG_BIT_DEPTHS[colorType];
  if (!allowed) {
    throw new SynganError(`${file}: unreadable PNG image (invalid colour type ${colorType})`,
      { hint: 'the file is corrupt; export it again or remove it from the folder' });
  }
  if (!allowed.includes(bitDepth)) {
    throw new SynganError(`${file}: unsupported PNG bit depth ${bitDepth} for colour type ${colorType} ` +
      `(allowed: ${allowed.join(', ')})`, { hint: 'save the image as an 8-bit PNG' });
  }
}

function decodePng(bytes: Buffer, file: string): DecodedImage {
  checkPngHeader(bytes, file);
  let png: ReturnType<typeof PNG.sync.read> & { color?: boolean; alpha?: boolean; depth?: number };
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    const reason = (error as Error).message;
    throw new SynganError(`${file}: unreadable PNG image (${reason})`,
      { hint: 'the file is corrupt or truncated; export it again or remove it from the folder', cause: error });
  }
  // pngjs expands palettes and bit depths 1..16 to 8-bit RGBA (16-bit values are rescaled to 0..255).
  const channels: 1 | 3 = png.color ? 3 : 1;
  const pixels = fromRgba(png.data, png.width * png.height, channels, Boolean(png.alpha));
  return { pixels, height: png.height, width: png.width, channels };
}

/** Reads the sample precision and component count from a JPEG's start-of-frame segment. */
function jpegFrameInfo(bytes: Buffer): { precision: number; components: number } | undefined {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame && offset + 10 <= bytes.length) {
      return { precision: bytes[offset + 4], components: bytes[offset + 9] };
    }
    offset += 2 + length;
  }
  return undefined;
}

function decodeJpeg(bytes: Buffer, file: string): DecodedImage {
  const frame = jpegFrameInfo(bytes);
  if (frame && frame.precision !== 8) {
    throw new SynganError(`${file}: unsupported JPEG bit depth ${frame.precision}; syngan reads 8-bit JPEG`,
      { hint: 'save the image as an 8-bit JPEG or PNG' });
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
  } catch (error) {
    throw new SynganError(`${file}: unreadable JPEG image (${(error as Error).message})`,
      { hint: 'the file is corrupt or truncated; export it again or remove it from the folder', cause: error });
  }
  const channels: 1 | 3 = frame?.components === 1 ? 1 : 3;
  const pixels = fromRgba(decoded.data, decoded.width * decoded.height, channels, false);
  return { pixels, height: decoded.height, width: decoded.width, channels };
}

/**
 * Decodes a PNG or JPEG file (chosen by its first bytes, not its name) into 8-bit pixels,
 * `height × width × channels`. Grayscale images give one channel, colour images three. Alpha is
 * composited onto black. PNG of any bit depth pngjs reads (1, 2, 4, 8, 16) becomes 8-bit.
 * Errors name the file.
 */
export function decodeImageFile(file: string): DecodedImage {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SynganError(`${file}: file not found`, { hint: 'check the path' });
    throw new SynganError(`${file}: failed to read the file (${(error as Error).message})`,
      { hint: 'check that the file is readable by this user', cause: error });
  }
  if (isPngBytes(bytes)) return decodePng(bytes, file);
  if (isJpegBytes(bytes)) return decodeJpeg(bytes, file);
  throw new SynganError(`${file}: not a PNG or JPEG image (unrecognised file signature)`,
    { hint: 'remove the file from the image folder, or convert it to PNG or JPEG' });
}

/**
 * Converts 8-bit pixels between 1 and 3 channels: gray to RGB repeats the value, RGB to gray
 * uses the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), rounded.
 */
export function convertChannels(pixels: Uint8Array, pixelCount: number, from: 1 | 3, to: 1 | 3): Uint8Array {
  if (from === to) return pixels;
  const out = new Uint8Array(pixelCount * to);
  if (to === 3) {
    for (let p = 0; p < pixelCount; p += 1) {
      out[3 * p] = pixels[p];
      out[3 * p + 1] = pixels[p];
      out[3 * p + 2] = pixels[p];
    }
  } else {
    for (let p = 0; p < pixelCount; p += 1) {
      out[p] = Math.round(0.299 * pixels[3 * p] + 0.587 * pixels[3 * p + 1] + 0.114 * pixels[3 * p + 2]);
    }
  }
  return out;
}

/**
 * Tiles `count` images (8-bit, NHWC, each `height × width × channels`) into one image of
 * `columns` columns and as many rows as needed, with `padding` pixels of `padValue` around and
 * between tiles. Returns the grid's pixels, `gridHeight × gridWidth × channels`.
 */
export function imageGrid(
  images: Uint8Array, count: number, height: number, width: number, channels: 1 | 3,
  columns: number, padding = 2, padValue = 0,
): { pixels: Uint8Array; height: number; width: number } {
  if (images.length < count * height * width * channels) {
    throw new Error(`imageGrid: ${images.length} bytes are fewer than ${count} images of ${height}×${width}×${channels}`);
  }
  const gridColumns = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / gridColumns));
  const gridHeight = rows * height + (rows + 1) * padding;
  const gridWidth = gridColumns * width + (gridColumns + 1) * padding;
  const pixels = new Uint8Array(gridHeight * gridWidth * channels).fill(padValue);
  const rowBytes = width * channels;
  for (let i = 0; i < count; i += 1) {
    const top = padding + Math.floor(i / gridColumns) * (height + padding);
    const left = padding + (i % gridColumns) * (width + padding);
    for (let y = 0; y < height; y += 1) {
      const source = (i * height + y) * rowBytes;
      const target = ((top + y) * gridWidth + left) * channels;
      pixels.set(images.subarray(source, source + rowBytes), target);
    }
  }
  return { pixels, height: gridHeight, width: gridWidth };
}
