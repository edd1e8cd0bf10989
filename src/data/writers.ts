import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { encodePng } from './images';
import { idxHeader } from './idx';
import { npyHeader } from './npy';
import type { ImageDataset } from './types';

/** On-disk layouts of a written dataset. */
export type DatasetFormat = 'idx' | 'png' | 'npy';

/** Element type of `images.npy`: bytes 0..255, or float32 in [-1, 1] (x / 127.5 - 1). */
export type NpyImageDtype = '|u1' | '<f4';

/** Description of a written dataset, stored as `manifest.json` in its folder. */
export interface DatasetManifest {
  format: DatasetFormat;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  classNames: string[];
  countsPerClass: number[];
  /**
   * SHA-256 and size of each file, by path relative to the dataset folder. For the PNG layout,
   * `images/` is one entry: the SHA-256 of the sorted lines `<path under images/>\t<sha256>\n`.
   */
  files: Record<string, { sha256: string; bytes: number }>;
  /** Element type of `images.npy` (NPY layout only). */
  npyImageDtype?: NpyImageDtype;
  /** Anything the caller added at close (generator, seed, run id, …). */
  [key: string]: unknown;
}

/** Receives images in chunks and publishes the dataset folder at `close`. */
export interface DatasetWriter {
  /** Appends `count` images (NHWC bytes) and their labels (class indices). */
  write(images: Uint8Array, labels: Uint8Array, count: number): void;
  /** Finishes the files, writes `manifest.json` and renames the folder into place. */
  close(extraManifest?: Record<string, unknown>): DatasetManifest;
  /** Deletes everything written so far; `outDir` is left as it was. */
  abort(): void;
}

/** Options of `createDatasetWriter`. */
export interface DatasetWriterOptions {
  /** Number of images that will be written in total. */
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  classNames: string[];
  /** Replace an existing `outDir` at close; without it an existing `outDir` is an error. */
  overwrite?: boolean;
  /** Element type of `images.npy`; default `|u1`. */
  npyImageDtype?: NpyImageDtype;
}

/** File names of the IDX layout; 4-dimensional IDX (`idx4`) for RGB images. */
export function idxFileNames(channels: number): { images: string; labels: string } {
  return { images: channels === 3 ? 'images-idx4-ubyte' : 'images-idx3-ubyte', labels: 'labels-idx1-ubyte' };
}

/**
 * Derives a folder name for each class: the class name with path separators, characters Windows
 * forbids and control characters replaced by "_", made unique by appending "_<index>".
 */
export function classFolderNames(classNames: readonly string[]): string[] {
  const used = new Set<string>();
  return classNames.map((className, index) => {
    // eslint-disable-next-line no-control-regex
    let folder = className.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_').trim();
    if (folder === '' || folder === '.' || folder === '..' || folder.startsWith('.')) folder = `class_${index}`;
    if (used.has(folder)) folder = `${folder}_${index}`;
    used.add(folder);
    return folder;
  });
}

/** Quotes a CSV field when it contains a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

let tempCounter = 0;

/** Returns a temporary folder name next to `dir`, which git ignores (`*.tmp-*`). */
function siblingTempDir(dir: string, purpose: string): string {
  tempCounter += 1;
  return path.join(path.dirname(dir), `.${path.basename(dir)}.${purpose}.tmp-${process.pid}-${tempCounter}`);
}

/** A file written through one descriptor, hashed as it is written. */
class HashedFile {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  append(data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(this.fd, data, offset, data.length - offset);
    this.hash.update(data);
    this.bytes += data.length;
  }

  /** Flushes and closes the file; returns its SHA-256 and size. */
  finish(): { sha256: string; bytes: number } {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  closeQuietly(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}

/** The format-specific half of a writer: where the pixels and labels go. */
interface FormatSink {
  write(images: Uint8Array, labels: Uint8Array, count: number, firstIndex: number): void;
  finish(): { files: DatasetManifest['files']; manifest?: Partial<DatasetManifest> };
  closeQuietly(): void;
}

function idxSink(dir: string, options: DatasetWriterOptions): FormatSink {
  const names = idxFileNames(options.channels);
  const shape = options.channels === 3
    ? [options.count, options.height, options.width, 3]
    : [options.count, options.height, options.width];
  const images = new HashedFile(path.join(dir, names.images));
  const labels = new HashedFile(path.join(dir, names.labels));
  images.append(idxHeader(shape));
  labels.append(idxHeader([options.count]));
  return {
    write(imageBytes, labelBytes) {
      images.append(imageBytes);
      labels.append(labelBytes);
    },
    finish: () => ({ files: { [names.images]: images.finish(), [names.labels]: labels.finish() } }),
    closeQuietly() {
      images.closeQuietly();
      labels.closeQuietly();
    },
  };
}

function npySink(dir: string, options: DatasetWriterOptions): FormatSink {
  const dtype = options.npyImageDtype ?? '|u1';
  const images = new HashedFile(path.join(dir, 'images.npy'));
  const labels = new HashedFile(path.join(dir, 'labels.npy'));
  images.append(npyHeader(dtype, [options.count, options.height, options.width, options.channels]));
  labels.append(npyHeader('|u1', [options.count]));
  return {
    write(imageBytes, labelBytes) {
      if (dtype === '<f4') {
        const floats = new Float32Array(imageBytes.length);
        for (let i = 0; i < imageBytes.length; i += 1) floats[i] = imageBytes[i] / 127.5 - 1;
        images.append(new Uint8Array(floats.buffer));
      } else {
        images.append(imageBytes);
      }
      labels.append(labelBytes);
    },
    finish: () => ({ files: { 'images.npy': images.finish(), 'labels.npy': labels.finish() }, manifest: { npyImageDtype: dtype } }),
    closeQuietly() {
      images.closeQuietly();
      labels.closeQuietly();
    },
  };
}

function pngSink(dir: string, options: DatasetWriterOptions): FormatSink {
  const folders = classFolderNames(options.classNames);
  const digits = String(Math.max(0, options.count - 1)).length;
  const imagesDir = path.join(dir, 'images');
  folders.forEach((folder) => fs.mkdirSync(path.join(imagesDir, folder), { recursive: true }));
  const csvRows = ['file,label,class_name'];
  const listing: string[] = [];
  // Every PNG's SHA-256 in `sha256sum` format, so `sha256sum -c SHA256SUMS` checks each image.
  const checksumLines: string[] = [];
  let imageBytesTotal = 0;
  const size = options.height * options.width * options.channels;
  return {
    write(imageBytes, labelBytes, count, firstIndex) {
      for (let i = 0; i < count; i += 1) {
        const label = labelBytes[i];
        const relative = `${folders[label]}/${String(firstIndex + i).padStart(digits, '0')}.png`;
        const png = encodePng(imageBytes.subarray(i * size, (i + 1) * size), options.height, options.width, options.channels);
        fs.writeFileSync(path.join(imagesDir, relative), png);
        listing.push(`${relative}\t${sha256(png)}\n`);
        checksumLines.push(`${sha256(png)}  images/${relative}\n`);
        imageBytesTotal += png.length;
        csvRows.push(`${csvField(`images/${relative}`)},${label},${csvField(options.classNames[label])}`);
      }
    },
    finish() {
      const csv = Buffer.from(`${csvRows.join('\n')}\n`, 'utf8');
      fs.writeFileSync(path.join(dir, 'labels.csv'), csv);
      const sums = Buffer.from(checksumLines.sort().join(''), 'utf8');
      fs.writeFileSync(path.join(dir, 'SHA256SUMS'), sums);
      return {
        files: {
          'images/': { sha256: sha256(listing.sort().join('')), bytes: imageBytesTotal },
          'labels.csv': { sha256: sha256(csv), bytes: csv.length },
          'SHA256SUMS': { sha256: sha256(sums), bytes: sums.length },
        },
      };
    },
    closeQuietly() {
      // PNG files are written and closed one at a time.
    },
  };
}

function checkWriterOptions(format: DatasetFormat, options: DatasetWriterOptions): void {
  if (!['idx', 'png', 'npy'].includes(format)) {
    throw new SynganError(`unknown dataset format "${format}"`, { hint: 'use idx, png or npy' });
  }
  for (const field of ['count', 'height', 'width'] as const) {
    const value = options[field];
    if (!Number.isInteger(value) || value < (field === 'count' ? 0 : 1)) {
      throw new SynganError(`invalid ${field} ${value} for a dataset writer`, { hint: `${field} must be a positive integer` });
    }
  }
  if (options.channels !== 1 && options.channels !== 3) {
    throw new SynganError(`invalid channels ${options.channels} for a dataset writer`, { hint: 'use 1 (grayscale) or 3 (RGB)' });
  }
  if (options.classNames.length === 0 || options.classNames.length > 256) {
    throw new SynganError(`a dataset needs 1 to 256 class names, got ${options.classNames.length}`,
      { hint: 'labels are stored as bytes, so at most 256 classes fit' });
  }
}

/** Moves the finished temporary folder to `outDir`, replacing an old one only after the move succeeds. */
function publishFolder(tmpDir: string, outDir: string, overwrite: boolean): void {
  if (!fs.existsSync(outDir)) {
    fs.renameSync(tmpDir, outDir);
    return;
  }
  if (!overwrite) {
    throw new SynganError(`${outDir}: already exists`, { hint: 'choose another output folder or pass overwrite (--overwrite)' });
  }
  const oldDir = siblingTempDir(outDir, 'old');
  fs.renameSync(outDir, oldDir);
  try {
    fs.renameSync(tmpDir, outDir);
  } catch (error) {
    fs.renameSync(oldDir, outDir);
    throw error;
  }
  fs.rmSync(oldDir, { recursive: true, force: true });
}

/**
 * Starts writing a labelled dataset of `options.count` images to `outDir` in one of three
 * layouts:
 * - `idx`: `images-idx3-ubyte` (count, height, width), or `images-idx4-ubyte`
 *   (count, height, width, 3) for RGB, and `labels-idx1-ubyte`;
 * - `png`: `images/<class folder>/<index>.png` plus `labels.csv` (`file,label,class_name`);
 * - `npy`: `images.npy` (count, height, width, channels) of `|u1` or `<f4` in [-1, 1], and
 *   `labels.npy` (`|u1`), C order.
 * Files go into a temporary folder next to `outDir`, which `close` renames to `outDir`, so an
 * interrupted write never leaves a half-written dataset there. An existing `outDir` is an
 * error unless `overwrite` is set, and it is replaced only once the new folder is complete.
 */
export function createDatasetWriter(format: DatasetFormat, outDir: string, options: DatasetWriterOptions): DatasetWriter {
  checkWriterOptions(format, options);
  const target = path.resolve(outDir);
  if (fs.existsSync(target) && !options.overwrite) {
    throw new SynganError(`${outDir}: already exists`, { hint: 'choose another output folder or pass overwrite (--overwrite)' });
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmpDir = siblingTempDir(target, 'new');
  fs.mkdirSync(tmpDir);

  let sink: FormatSink;
  try {
    sink = format === 'idx' ? idxSink(tmpDir, options) : format === 'npy' ? npySink(tmpDir, options) : pngSink(tmpDir, options);
  } catch (error) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw error;
  }

  const size = options.height * options.width * options.channels;
  const countsPerClass = new Array<number>(options.classNames.length).fill(0);
  let written = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  const abort = (): void => {
    if (state !== 'open') return;
    state = 'aborted';
    sink.closeQuietly();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };

  return {
    write(images, labels, count) {
      if (state !== 'open') throw new Error(`dataset writer for ${outDir} is already ${state}`);
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid image count ${count}`);
      if (images.length !== count * size || labels.length !== count) {
        throw new RangeError(`write: ${count} images of ${options.height}×${options.width}×${options.channels} need ` +
          `${count * size} image bytes and ${count} labels, got ${images.length} and ${labels.length}`);
      }
      if (written + count > options.count) {
        throw new RangeError(`write: ${written + count} images exceed the declared count ${options.count}`);
      }
      for (let i = 0; i < count; i += 1) {
        if (labels[i] >= options.classNames.length) {
          throw new RangeError(`write: label ${labels[i]} is out of range for ${options.classNames.length} classes`);
        }
      }
      try {
        sink.write(images, labels, count, written);
      } catch (error) {
        abort();
        throw error;
      }
      for (let i = 0; i < count; i += 1) countsPerClass[labels[i]] += 1;
      written += count;
    },

    close(extraManifest = {}) {
      if (state !== 'open') throw new Error(`dataset writer for ${outDir} is already ${state}`);
      if (written !== options.count) {
        abort();
        throw new SynganError(`${outDir}: ${written} of the declared ${options.count} images were written; nothing was saved`,
          { hint: 'write exactly the declared number of images before close' });
      }
      try {
        const { files, manifest: formatFields } = sink.finish();
        const core = {
          format, count: options.count, height: options.height, width: options.width, channels: options.channels,
          classNames: [...options.classNames], countsPerClass, files, ...formatFields,
        };
        const clash = Object.keys(extraManifest).find((key) => key in core);
        if (clash) throw new Error(`extraManifest may not set the field "${clash}"`);
        const manifest: DatasetManifest = { ...core, ...extraManifest, createdBy: 'syngan' };
        fs.writeFileSync(path.join(tmpDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        publishFolder(tmpDir, target, Boolean(options.overwrite));
        state = 'closed';
        return manifest;
      } catch (error) {
        abort();
        throw error;
      }
    },

    abort,
  };
}

/** Images per `write` call when `writeDataset` streams a dataset in memory. */
const WRITE_CHUNK = 4096;

/**
 * Writes an in-memory dataset to `outDir` in `format` (see `createDatasetWriter` for the
 * layouts) and returns its manifest, which records the dataset's name, split and checksums as
 * `source`.
 */
export function writeDataset(
  ds: ImageDataset, format: DatasetFormat, outDir: string,
  options: { overwrite?: boolean; extraManifest?: Record<string, unknown>; npyImageDtype?: NpyImageDtype } = {},
): DatasetManifest {
  const writer = createDatasetWriter(format, outDir, {
    count: ds.count, height: ds.height, width: ds.width, channels: ds.channels as 1 | 3,
    classNames: ds.classNames, overwrite: options.overwrite, npyImageDtype: options.npyImageDtype,
  });
  const size = ds.height * ds.width * ds.channels;
  try {
    for (let start = 0; start < ds.count; start += WRITE_CHUNK) {
      const end = Math.min(ds.count, start + WRITE_CHUNK);
      writer.write(ds.images.subarray(start * size, end * size), ds.labels.subarray(start, end), end - start);
    }
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.close({ source: { name: ds.name, split: ds.split, checksums: ds.checksums }, ...options.extraManifest });
}
