import fs from 'node:fs';

import { SynganError } from '../core/errors';
import { writeFileAtomic } from '../core/files';

/** NumPy dtypes syngan reads and writes (little-endian, as `numpy.load` reports them). */
export type NpyDtype = '<f4' | '<f8' | '|u1' | '<i4' | '<i8';

/** Typed arrays matching each dtype (int64 is read into a Float64Array, exact up to 2^53). */
export type NpyData = Float32Array | Float64Array | Uint8Array | Int32Array;

/** An n-dimensional array in C (row-major) order. */
export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: NpyData;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const DTYPE_ALIASES: Record<string, NpyDtype> = {
  '<f4': '<f4', '<f8': '<f8', '|u1': '|u1', '<u1': '|u1', '>u1': '|u1', '|b1': '|u1', '<i4': '<i4', '<i8': '<i8',
};

/** Bytes per element of each dtype. */
export function npyItemSize(dtype: NpyDtype): number {
  return { '<f4': 4, '<f8': 8, '|u1': 1, '<i4': 4, '<i8': 8 }[dtype];
}

/**
 * Builds the NPY (format 1.0) header for an array of `shape`, padded so the data starts at a
 * multiple of 64 bytes as the format requires.
 */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const header = Buffer.alloc(MAGIC.length + 4 + dict.length);
  MAGIC.copy(header, 0);
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(dict.length, 8);
  header.write(dict, 10, 'latin1');
  return header;
}

/** Encodes an array as NPY bytes. */
export function encodeNpy(array: NpyArray): Buffer {
  const expected = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== expected) {
    throw new Error(`NPY data has ${array.data.length} elements but shape [${array.shape.join(', ')}] needs ${expected}`);
  }
  let body: Buffer;
  if (array.dtype === '<i8') {
    body = Buffer.alloc(expected * 8);
    for (let i = 0; i < expected; i += 1) body.writeBigInt64LE(BigInt(Math.round(array.data[i])), i * 8);
  } else {
    body = Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  }
  return Buffer.concat([npyHeader(array.dtype, array.shape), body]);
}

/** Writes an array to an NPY file atomically. */
export function writeNpy(file: string, array: NpyArray): void {
  writeFileAtomic(file, encodeNpy(array));
}

function parseHeaderDict(text: string, file: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new SynganError(`${file}: invalid NPY header ${JSON.stringify(text.trim())}`,
      { hint: 'the file may be truncated or not written by numpy.save' });
  }
  const dtype = DTYPE_ALIASES[descr];
  if (!dtype) {
    throw new SynganError(`${file}: unsupported NPY dtype "${descr}"`,
      { hint: 'save the array as float32 (<f4), float64 (<f8), uint8 (|u1), int32 (<i4) or int64 (<i8)' });
  }
  if (fortran === 'True') {
    throw new SynganError(`${file}: NPY array is in Fortran order`, { hint: 'save it with numpy.ascontiguousarray(x) first' });
  }
  const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  if (shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new SynganError(`${file}: invalid NPY shape (${shapeText})`);
  }
  return { dtype, shape };
}

/** Parses NPY bytes (format 1.x, 2.x or 3.x); `file` names the source in errors. */
export function decodeNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 10 || !buffer.subarray(0, 6).equals(MAGIC)) {
    throw new SynganError(`${file}: not an NPY file (the magic string \\x93NUMPY is missing)`,
      { hint: 'pass a file written by numpy.save' });
  }
  const major = buffer[6];
  const headerLengthSize = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const dataStart = 8 + headerLengthSize + headerLength;
  if (buffer.length < dataStart) throw new SynganError(`${file}: truncated NPY header`);
  const { dtype, shape } = parseHeaderDict(buffer.subarray(8 + headerLengthSize, dataStart).toString('latin1'), file);
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * npyItemSize(dtype);
  const available = buffer.length - dataStart;
  if (available !== expectedBytes) {
    throw new SynganError(`${file}: NPY data is ${available} bytes but shape (${shape.join(', ')}) of ${dtype} needs ${expectedBytes}`,
      { hint: 'the file is truncated or corrupt; write it again' });
  }
  // Copy so the typed array is aligned and independent of the input buffer.
  const raw = new Uint8Array(expectedBytes);
  raw.set(buffer.subarray(dataStart, dataStart + expectedBytes));
  let data: NpyData;
  switch (dtype) {
    case '<f4': data = new Float32Array(raw.buffer); break;
    case '<f8': data = new Float64Array(raw.buffer); break;
    case '|u1': data = raw; break;
    case '<i4': data = new Int32Array(raw.buffer); break;
    case '<i8': {
      const view = new DataView(raw.buffer);
      const values = new Float64Array(count);
      for (let i = 0; i < count; i += 1) values[i] = Number(view.getBigInt64(i * 8, true));
      data = values;
      break;
    }
  }
  return { shape, dtype, data };
}

/** Reads an NPY file; errors name the file and what is wrong. */
export function readNpy(file: string): NpyArray {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: file not found`, { hint: 'check the path' });
  return decodeNpy(fs.readFileSync(file), file);
}
