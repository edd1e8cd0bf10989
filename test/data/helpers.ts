import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';

import { SynganError } from '../../src/core/errors';

export { makeTempDir } from '../temp-dir';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * Builds a grayscale PNG by hand with any IHDR bit depth: `samples` are written big-endian at
 * 16 bits, or as bytes at 8 bits, each row after a filter byte 0.
 */
export function grayPng(width: number, height: number, bitDepth: number, samples: number[]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = 0; // grayscale
  const bytesPerSample = bitDepth === 16 ? 2 : 1;
  const raw = Buffer.alloc(height * (1 + width * bytesPerSample));
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = y * (1 + width * bytesPerSample) + 1 + x * bytesPerSample;
      if (bytesPerSample === 2) raw.writeUInt16BE(samples[y * width + x], offset);
      else raw[offset] = samples[y * width + x];
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Runs a Python 3 script (numpy available) and parses the JSON it prints. */
export function runPythonJson(script: string, args: string[]): unknown {
  const result = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Runs `fn` and returns the SynganError it throws; fails when it throws nothing else. */
export function catchSynganError(fn: () => unknown): SynganError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SynganError) return error;
    throw error;
  }
  throw new Error('expected a SynganError, but nothing was thrown');
}
