import fs from 'node:fs';
import path from 'node:path';

import { projectRoot, sha256, writeFileAtomic } from '../core/files';
import type { ImageDataset } from './types';

/**
 * Version of the cache entry layout and of the loaders that fill it. Raising it makes every
 * existing entry miss, so a change to how a source is decoded never reuses old bytes.
 */
const CACHE_VERSION = 1;
const CACHE_MAGIC = Buffer.from('SYNGANDS', 'latin1');

/** Default cache folder: `data/cache/` in the project root. */
export function defaultCacheDir(): string {
  return path.join(projectRoot(), 'data', 'cache');
}

/**
 * Builds a cache key from the source files' paths, sizes and modification times plus the load
 * parameters. The key changes when a source file changes, without hashing the sources on every
 * load. The entry itself stores the sources' SHA-256 and a SHA-256 of its own payload.
 */
export function cacheKey(sourceFiles: readonly string[], parameters: Record<string, unknown>): string {
  const sources = sourceFiles.map((file) => {
    const stat = fs.statSync(file);
    return [path.resolve(file), stat.size, stat.mtimeMs];
  });
  return sha256(JSON.stringify({ version: CACHE_VERSION, sources, parameters }));
}

/** Serialises a dataset as: magic, uint32 LE header length, JSON header, image bytes, label bytes. */
function encodeEntry(ds: ImageDataset): Buffer {
  const { images, labels, ...meta } = ds;
  const payloadSha256 = sha256(Buffer.concat([images, labels]));
  const header = Buffer.from(JSON.stringify({ ...meta, imageBytes: images.length, labelBytes: labels.length, payloadSha256 }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  return Buffer.concat([CACHE_MAGIC, length, header, images, labels]);
}

/** Parses a cache entry, or returns undefined when it is corrupt in any way. */
function decodeEntry(bytes: Buffer): ImageDataset | undefined {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(CACHE_MAGIC)) return undefined;
  const headerLength = bytes.readUInt32LE(8);
  const dataStart = 12 + headerLength;
  if (dataStart > bytes.length) return undefined;
  let header: Omit<ImageDataset, 'images' | 'labels'> & { imageBytes: number; labelBytes: number; payloadSha256: string };
  try {
    header = JSON.parse(bytes.subarray(12, dataStart).toString('utf8'));
  } catch {
    return undefined;
  }
  const { imageBytes, labelBytes, payloadSha256, ...meta } = header;
  const expectedImageBytes = meta.count * meta.height * meta.width * meta.channels;
  if (imageBytes !== expectedImageBytes || labelBytes !== meta.count || bytes.length !== dataStart + imageBytes + labelBytes) {
    return undefined;
  }
  const payload = bytes.subarray(dataStart);
  if (sha256(payload) !== payloadSha256) return undefined;
  const images = new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart, imageBytes);
  const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart + imageBytes, labelBytes);
  return { ...meta, images, labels };
}

/** Deletes the other entries of `name` (built from older versions of its sources). */
function removeStaleEntries(cacheDir: string, name: string, current: string): void {
  for (const entry of fs.readdirSync(cacheDir)) {
    const stale = entry.startsWith(`${name}-`) && /^[0-9a-f]{24}\.bin$/.test(entry.slice(name.length + 1));
    if (stale && path.join(cacheDir, entry) !== current) fs.rmSync(path.join(cacheDir, entry), { force: true });
  }
}

/**
 * Returns the dataset stored under `key` in `cacheDir`, or builds it with `build` and stores it
 * (atomically). An entry that is truncated, corrupt or fails its SHA-256 check is rebuilt and
 * replaced, with a process warning naming the file. Writing an entry deletes older entries of
 * the same `name`. A cache folder that cannot be written only gives a warning.
 */
export function loadCached(cacheDir: string, name: string, key: string, build: () => ImageDataset): ImageDataset {
  const file = path.join(cacheDir, `${name}-${key.slice(0, 24)}.bin`);
  if (fs.existsSync(file)) {
    const cached = decodeEntry(fs.readFileSync(file));
    if (cached) return cached;
    process.emitWarning(`dataset cache entry ${file} is corrupt; rebuilding it from the source files`, 'SynganCacheWarning');
  }
  const dataset = build();
  try {
    writeFileAtomic(file, encodeEntry(dataset));
    removeStaleEntries(cacheDir, name, file);
  } catch (error) {
    process.emitWarning(`failed to write dataset cache entry ${file}: ${(error as Error).message}; the next load reads the sources again`,
      'SynganCacheWarning');
  }
  return dataset;
}
