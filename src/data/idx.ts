import fs from 'node:fs';

import { SynganError } from '../core/errors';

/** An IDX array of unsigned bytes: `shape[0]` items, row-major. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** IDX data-type byte for unsigned 8-bit values, the only type syngan reads and writes. */
export const IDX_UBYTE = 0x08;

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

/**
 * Builds the IDX header for unsigned bytes of `shape`: two zero bytes, the type byte 0x08, the
 * number of dimensions, then each dimension as a big-endian uint32.
 */
export function idxHeader(shape: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = IDX_UBYTE;
  header[3] = shape.length;
  shape.forEach((dim, i) => header.writeUInt32BE(dim, 4 + 4 * i));
  return header;
}

/** Encodes unsigned bytes of `shape` as an IDX file. */
export function encodeIdx(array: IdxArray): Buffer {
  const expected = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== expected) {
    throw new Error(`IDX data has ${array.data.length} bytes but shape [${array.shape.join(', ')}] needs ${expected}`);
  }
  return Buffer.concat([idxHeader(array.shape), array.data]);
}

/**
 * Parses IDX bytes of unsigned bytes (type 0x08). `file` names the source in errors, which
 * cover a wrong magic number, another data type, and a truncated or over-long file.
 */
export function decodeIdx(bytes: Uint8Array, file = '<buffer>'): IdxArray {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 4) {
    throw new SynganError(`${file}: truncated IDX file (${buffer.length} bytes, shorter than the 4-byte magic number)`,
      { hint: 'the file is incomplete; download or write it again' });
  }

  const magic = buffer.readUInt32BE(0);
  const typeByte = buffer[2];
  const dimCount = buffer[3];
  if (buffer[0] !== 0 || buffer[1] !== 0 || dimCount < 1 || !(typeByte in IDX_TYPE_NAMES)) {
    throw new SynganError(`${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} for an IDX file ` +
      '(expected 0x0000TTDD: two zero bytes, a data type, a dimension count)',
    { hint: 'pass an uncompressed IDX file such as train-images-idx3-ubyte (gunzip .gz files first)' });
  }
  if (typeByte !== IDX_UBYTE) {
    throw new SynganError(`${file}: unsupported IDX data type 0x${typeByte.toString(16).padStart(2, '0')} ` +
      `(${IDX_TYPE_NAMES[typeByte]}); syngan reads 8-bit unsigned bytes (0x08)`,
    { hint: 'convert the images to 8-bit values 0..255 and write them as unsigned bytes' });
  }

  const dataStart = 4 + 4 * dimCount;
  if (buffer.length < dataStart) {
    throw new SynganError(`${file}: truncated IDX header (${buffer.length} bytes, ${dimCount} dimensions need ${dataStart})`,
      { hint: 'the file is incomplete; download or write it again' });
  }
  const shape: number[] = [];
  for (let i = 0; i < dimCount; i += 1) shape.push(buffer.readUInt32BE(4 + 4 * i));

  const expectedBytes = shape.reduce((a, b) => a * b, 1);
  const available = buffer.length - dataStart;
  if (available < expectedBytes) {
    throw new SynganError(`${file}: truncated IDX file: shape (${shape.join(', ')}) needs ${expectedBytes} data bytes ` +
      `but only ${available} are present`, { hint: 'the file is incomplete; download or write it again' });
  }
  if (available > expectedBytes) {
    throw new SynganError(`${file}: IDX file has ${available - expectedBytes} bytes after the data of shape (${shape.join(', ')})`,
      { hint: 'the header does not match the data; write the file again' });
  }
  return { shape, data: new Uint8Array(buffer.buffer, buffer.byteOffset + dataStart, expectedBytes) };
}

/** Reads an IDX file of unsigned bytes; errors name the file and what is wrong. */
export function readIdx(file: string): IdxArray {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: file not found`, { hint: 'check the path' });
  return decodeIdx(fs.readFileSync(file), file);
}
