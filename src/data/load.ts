import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { defaultCacheDir } from './cache';
import { loadFashionMnist } from './fashion';
import { loadImageFolder } from './folder';
import { readIdxDataset } from './idx-dataset';
import { loadMnist } from './mnist';
import { readNpyDataset } from './npy-dataset';
import { type DatasetSpec, parseDatasetSpec } from './spec';
import { conformDataset } from './transform';
import type { ImageDataset, Split } from './types';
import { isWrittenDataset, loadWrittenDataset, readManifest } from './written';

/** Options of `loadDataset`. */
export interface LoadDatasetOptions {
  /** Folder of the binary dataset cache; default `data/cache/` in the project root. */
  cacheDir?: string;
  /** Image height in pixels; images of another size are resized (bilinear). */
  height?: number;
  /** Image width in pixels. */
  width?: number;
  /** 1 (grayscale) or 3 (RGB); images are converted when they differ. */
  channels?: 1 | 3;
}

/** Class names from the manifest.json beside `file`, when a dataset writer wrote that file. */
function manifestClassNames(file: string): string[] | undefined {
  const dir = path.dirname(file);
  if (!isWrittenDataset(dir)) return undefined;
  const manifest = readManifest(dir);
  return path.basename(file) in manifest.files ? manifest.classNames : undefined;
}

/** Throws for a user source that has no test split; such sources return every image for `train`. */
function rejectTestSplit(source: string, split: Split): void {
  if (split === 'test') {
    throw new SynganError(`${source}: the dataset has no test split`,
      { hint: 'load it as train or all, and pass the test files as a dataset of their own' });
  }
}

function checkSizeOption(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new SynganError(`invalid ${name} ${value}`, { hint: `${name} must be a positive integer number of pixels` });
  }
}

/**
 * Loads one split of a dataset into memory (8-bit NHWC images, byte labels, SHA-256 of the
 * sources). `spec` is a DatasetSpec or the text `parseDatasetSpec` accepts.
 * - MNIST: the original 60,000/10,000 split; Fashion-MNIST: syngan's stratified 60,000/10,000
 *   split (see `loadFashionMnist`); `all` is train followed by test.
 * - Image folders: `train/` and `test/` subfolders are the splits when present.
 * - IDX files, NPY files, written datasets and folders without `train/`/`test/` have no split:
 *   `train` and `all` return every image, and `test` is an error.
 * With `height`/`width`/`channels` (in the options or a folder spec), images are resized
 * (bilinear) and converted to that shape. MNIST, Fashion-MNIST and image folders are cached in
 * `cacheDir`, so a second load skips parsing and decoding.
 */
export function loadDataset(spec: DatasetSpec | string, split: Split, options: LoadDatasetOptions = {}): ImageDataset {
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new SynganError(`invalid split "${split as string}"`, { hint: 'use train, test or all' });
  }
  const resolved = typeof spec === 'string' && spec !== 'mnist' && spec !== 'fashion-mnist' ? parseDatasetSpec(spec) : spec as DatasetSpec;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const shape = {
    height: options.height ?? (typeof resolved === 'object' && resolved.kind === 'folder' ? resolved.height : undefined),
    width: options.width ?? (typeof resolved === 'object' && resolved.kind === 'folder' ? resolved.width : undefined),
    channels: options.channels ?? (typeof resolved === 'object' && resolved.kind === 'folder' ? resolved.channels : undefined),
  };
  checkSizeOption('height', shape.height);
  checkSizeOption('width', shape.width);
  if (shape.channels !== undefined && shape.channels !== 1 && shape.channels !== 3) {
    throw new SynganError(`invalid channels ${shape.channels as number}`, { hint: 'use 1 (grayscale) or 3 (RGB)' });
  }

  let ds: ImageDataset;
  if (resolved === 'mnist') ds = loadMnist(split, cacheDir);
  else if (resolved === 'fashion-mnist') ds = loadFashionMnist(split, cacheDir);
  else if (resolved.kind === 'folder') {
    if (isWrittenDataset(resolved.path)) ds = loadWrittenDataset(resolved.path, split, cacheDir);
    else {
      if ((shape.height === undefined) !== (shape.width === undefined)) {
        throw new SynganError(`${resolved.path}: only one of height and width is set`, { hint: 'set both, or neither' });
      }
      ds = loadImageFolder(resolved.path, split, { ...shape, cacheDir });
    }
  } else if (resolved.kind === 'idx') {
    rejectTestSplit(resolved.images, split);
    const name = path.basename(path.dirname(path.resolve(resolved.images)));
    ds = readIdxDataset(resolved.images, resolved.labels, { name, split, classNames: manifestClassNames(resolved.images) });
  } else {
    rejectTestSplit(resolved.images, split);
    if (!fs.existsSync(resolved.images)) throw new SynganError(`${resolved.images}: file not found`, { hint: 'check the path' });
    const name = path.basename(path.resolve(resolved.images), '.npy');
    ds = readNpyDataset(resolved.images, resolved.labels, { name, split, classNames: manifestClassNames(resolved.images) });
  }
  return conformDataset(ds, shape);
}

/**
 * Computes one SHA-256 (hex) that identifies a dataset's content, for cache keys. It hashes the
 * sorted source checksums, the split, the image shape and the count. Equal for two loads of the same
 * sources with the same options; different for another split, size or subset.
 */
export function datasetChecksum(ds: ImageDataset): string {
  const sources = Object.keys(ds.checksums).sort().map((name) => `${name}\t${ds.checksums[name]}\n`).join('');
  return sha256(`${sources}split\t${ds.split}\nshape\t${ds.count}x${ds.height}x${ds.width}x${ds.channels}\n`);
}
