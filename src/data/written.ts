import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { cacheKey, loadCached } from './cache';
import { convertChannels, decodeImageFile } from './images';
import { readIdxDataset } from './idx-dataset';
import { readNpyDataset } from './npy-dataset';
import type { ImageDataset, Split } from './types';
import { idxFileNames, type DatasetManifest } from './writers';

/** True when `dir` is a folder with a `manifest.json`, as the dataset writers create. */
export function isWrittenDataset(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'manifest.json'));
}

/** Reads and checks `manifest.json` of a written dataset folder. */
export function readManifest(dir: string): DatasetManifest {
  const file = path.join(dir, 'manifest.json');
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as DatasetManifest;
  } catch (error) {
    throw new SynganError(`${file}: unreadable dataset manifest (${(error as Error).message})`,
      { hint: 'write the dataset again', cause: error });
  }
  const problems: string[] = [];
  if (!['idx', 'png', 'npy'].includes(manifest.format)) problems.push(`format ${JSON.stringify(manifest.format)} is not idx, png or npy`);
  for (const field of ['count', 'height', 'width'] as const) {
    if (!Number.isInteger(manifest[field]) || manifest[field] < 0) problems.push(`${field} is not a non-negative integer`);
  }
  if (manifest.channels !== 1 && manifest.channels !== 3) problems.push('channels is not 1 or 3');
  if (!Array.isArray(manifest.classNames) || manifest.classNames.some((name) => typeof name !== 'string')) {
    problems.push('classNames is not a list of strings');
  }
  if (typeof manifest.files !== 'object' || manifest.files === null) problems.push('files is missing');
  if (problems.length > 0) {
    throw new SynganError(`${file}: invalid dataset manifest: ${problems.join('; ')}`, { hint: 'write the dataset again' });
  }
  return manifest;
}

/** Throws unless the file's SHA-256 is the one the manifest recorded. */
function verifyChecksum(manifest: DatasetManifest, dir: string, name: string, actual: string): void {
  const expected = manifest.files[name]?.sha256;
  if (expected === undefined) {
    throw new SynganError(`${path.join(dir, 'manifest.json')}: no checksum recorded for ${name}`, { hint: 'write the dataset again' });
  }
  if (expected !== actual) {
    throw new SynganError(`${path.join(dir, name)}: SHA-256 ${actual} differs from ${expected} in manifest.json; ` +
      'the file changed after the dataset was written', { hint: 'write the dataset again' });
  }
}

/** Splits one line of RFC 4180 CSV into fields. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i += 1;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { field += '"'; i += 2; } else if (line[i] === '"') { i += 1; break; } else { field += line[i]; i += 1; }
      }
    } else {
      while (i < line.length && line[i] !== ',') { field += line[i]; i += 1; }
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i += 1; // the comma
  }
}

/** Reads the PNG layout: the images listed in labels.csv, in its order. */
function readPngLayout(dir: string, manifest: DatasetManifest, split: Split): ImageDataset {
  const csvFile = path.join(dir, 'labels.csv');
  if (!fs.existsSync(csvFile)) throw new SynganError(`${csvFile}: file not found`, { hint: 'write the dataset again' });
  const csv = fs.readFileSync(csvFile);
  verifyChecksum(manifest, dir, 'labels.csv', sha256(csv));
  const rows = csv.toString('utf8').split('\n').filter((line) => line !== '').slice(1);
  if (rows.length !== manifest.count) {
    throw new SynganError(`${csvFile}: ${rows.length} rows but manifest.json records ${manifest.count} images`,
      { hint: 'write the dataset again' });
  }

  const { height, width, channels } = manifest;
  const size = height * width * channels;
  const images = new Uint8Array(manifest.count * size);
  const labels = new Uint8Array(manifest.count);
  const listing: string[] = [];
  rows.forEach((row, i) => {
    const [relative, labelText, className] = parseCsvLine(row);
    const label = Number(labelText);
    if (!Number.isInteger(label) || label < 0 || label >= manifest.classNames.length || manifest.classNames[label] !== className) {
      throw new SynganError(`${csvFile}: row ${i + 2} has label ${JSON.stringify(labelText)} and class ${JSON.stringify(className)}, ` +
        'which do not match classNames in manifest.json', { hint: 'write the dataset again' });
    }
    const file = path.join(dir, relative);
    const image = decodeImageFile(file);
    if (image.height !== height || image.width !== width) {
      throw new SynganError(`${file}: image is ${image.height}×${image.width}, but manifest.json records ${height}×${width}`,
        { hint: 'write the dataset again' });
    }
    images.set(convertChannels(image.pixels, height * width, image.channels, channels), i * size);
    labels[i] = label;
    listing.push(`${relative.replace(/^images\//, '')}\t${sha256(fs.readFileSync(file))}\n`);
  });
  verifyChecksum(manifest, dir, 'images/', sha256(listing.sort().join('')));
  const checksums: Record<string, string> = { 'images/': manifest.files['images/'].sha256, 'labels.csv': manifest.files['labels.csv'].sha256 };
  // Folders written before SHA256SUMS existed have no such entry.
  if (manifest.files.SHA256SUMS) {
    const sums = path.join(dir, 'SHA256SUMS');
    verifyChecksum(manifest, dir, 'SHA256SUMS', fs.existsSync(sums) ? sha256(fs.readFileSync(sums)) : 'missing');
    checksums.SHA256SUMS = manifest.files.SHA256SUMS.sha256;
  }

  return {
    name: path.basename(path.resolve(dir)), split, count: manifest.count, height, width, channels,
    images, labels, classNames: manifest.classNames, checksums,
  };
}

/**
 * Loads a dataset folder written by `createDatasetWriter` or `writeDataset` (any layout), using
 * the class names in its `manifest.json` and checking every file's SHA-256 against it. Such a
 * folder has no split of its own: `train` and `all` return every image and `test` is an error.
 * Decoded PNG layouts are cached in `cacheDir`.
 */
export function loadWrittenDataset(dir: string, split: Split, cacheDir: string): ImageDataset {
  if (split === 'test') {
    throw new SynganError(`${dir}: a written dataset has no test split`, { hint: 'load it as train or all' });
  }
  const manifest = readManifest(dir);
  const name = path.basename(path.resolve(dir));
  let ds: ImageDataset;
  if (manifest.format === 'png') {
    const csvFile = path.join(dir, 'labels.csv');
    if (!fs.existsSync(csvFile)) throw new SynganError(`${csvFile}: file not found`, { hint: 'write the dataset again' });
    const imageFiles = fs.readFileSync(csvFile, 'utf8').split('\n').slice(1).filter((line) => line !== '')
      .map((line) => path.join(dir, parseCsvLine(line)[0]))
      .filter((file) => fs.existsSync(file)); // A missing image is reported by the reader.
    const sources = [csvFile, path.join(dir, 'manifest.json'), ...imageFiles];
    const key = cacheKey(sources, { source: 'written-png', dir: path.resolve(dir), split });
    const cacheName = `written-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${sha256(path.resolve(dir)).slice(0, 8)}-${split}`;
    ds = loadCached(cacheDir, cacheName, key, () => readPngLayout(dir, manifest, split));
  } else if (manifest.format === 'idx') {
    const names = idxFileNames(manifest.channels);
    ds = readIdxDataset(path.join(dir, names.images), path.join(dir, names.labels), { name, split, classNames: manifest.classNames });
    for (const file of [names.images, names.labels]) verifyChecksum(manifest, dir, file, ds.checksums[file]);
  } else {
    ds = readNpyDataset(path.join(dir, 'images.npy'), path.join(dir, 'labels.npy'), { name, split, classNames: manifest.classNames });
    for (const file of ['images.npy', 'labels.npy']) verifyChecksum(manifest, dir, file, ds.checksums[file]);
  }
  if (ds.count !== manifest.count || ds.height !== manifest.height || ds.width !== manifest.width || ds.channels !== manifest.channels) {
    throw new SynganError(`${dir}: the files hold ${ds.count} images of ${ds.height}×${ds.width}×${ds.channels} but manifest.json ` +
      `records ${manifest.count} of ${manifest.height}×${manifest.width}×${manifest.channels}`, { hint: 'write the dataset again' });
  }
  return ds;
}
