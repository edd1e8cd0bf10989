import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { isWrittenDataset, readManifest } from './written';
import { idxFileNames } from './writers';

/**
 * Where a dataset comes from: a built-in dataset (`mnist`, `fashion-mnist`), a folder of images
 * with one subfolder per class (or a folder written by the dataset writers, with manifest.json),
 * a pair of IDX files, or NPY files (labels optional).
 */
export type DatasetSpec =
  | 'mnist'
  | 'fashion-mnist'
  | { kind: 'folder'; path: string; height?: number; width?: number; channels?: 1 | 3 }
  | { kind: 'idx'; images: string; labels: string }
  | { kind: 'npy'; images: string; labels?: string };

const SPEC_HINT = "use mnist, fashion-mnist, folder:PATH, idx:IMAGES,LABELS, npy:IMAGES[,LABELS] or a path";

function requireExisting(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: ${what} not found`, { hint: 'check the path' });
}

/** Label file next to an IDX image file: `…-images-idx3-ubyte` → `…-labels-idx1-ubyte`. */
function idxLabelsFor(imagesFile: string): string | undefined {
  const base = path.basename(imagesFile);
  const labelsBase = base.replace(/images/, 'labels').replace(/idx[34]/, 'idx1');
  if (labelsBase === base) return undefined;
  const candidate = path.join(path.dirname(imagesFile), labelsBase);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Guesses the spec of a bare path from what is on disk. */
function detectPath(target: string): DatasetSpec {
  if (!fs.existsSync(target) && !/[\\/.]/.test(target)) {
    // A bare word that is no file is more likely a misspelled dataset name than a missing path.
    throw new SynganError(`unknown dataset "${target}" (and no file or folder of that name exists)`, { hint: SPEC_HINT });
  }
  requireExisting(target, 'dataset path');
  if (fs.statSync(target).isDirectory()) {
    if (isWrittenDataset(target)) {
      readManifest(target); // Reports an invalid manifest now, naming the file.
      return { kind: 'folder', path: target };
    }
    const idx = idxFileNames(1);
    if (fs.existsSync(path.join(target, idx.images)) || fs.existsSync(path.join(target, idxFileNames(3).images))) {
      const images = fs.existsSync(path.join(target, idx.images)) ? idx.images : idxFileNames(3).images;
      return { kind: 'idx', images: path.join(target, images), labels: path.join(target, idx.labels) };
    }
    if (fs.existsSync(path.join(target, 'images.npy'))) {
      const labels = path.join(target, 'labels.npy');
      return { kind: 'npy', images: path.join(target, 'images.npy'), labels: fs.existsSync(labels) ? labels : undefined };
    }
    return { kind: 'folder', path: target };
  }
  if (target.toLowerCase().endsWith('.npy')) {
    const labels = path.join(path.dirname(target), 'labels.npy');
    return { kind: 'npy', images: target, labels: labels !== target && fs.existsSync(labels) ? labels : undefined };
  }
  if (/idx[34]-ubyte$/.test(target)) {
    const labels = idxLabelsFor(target);
    if (!labels) {
      throw new SynganError(`${target}: no matching label file (…-labels-idx1-ubyte) next to this IDX image file`,
        { hint: 'name both files with idx:IMAGES,LABELS' });
    }
    return { kind: 'idx', images: target, labels };
  }
  throw new SynganError(`${target}: not a dataset (expected a folder, an .npy file or an IDX image file)`, { hint: SPEC_HINT });
}

/**
 * Parses a dataset argument: `mnist`, `fashion-mnist`, `folder:PATH`, `idx:IMAGES,LABELS`,
 * `npy:IMAGES[,LABELS]`, or a bare path. The kind of a bare path is detected from disk. A
 * folder may contain manifest.json (a written dataset), class subfolders, or IDX or NPY files
 * with the writers' file names. A file may be an `.npy` file (with `labels.npy` beside it, if
 * present) or an IDX image file (with its `labels-idx1-ubyte` partner). Paths given with a
 * prefix are checked when the dataset is loaded.
 */
export function parseDatasetSpec(text: string): DatasetSpec {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'mnist') return 'mnist';
  if (lower === 'fashion-mnist' || lower === 'fashion_mnist' || lower === 'fashionmnist') return 'fashion-mnist';
  const prefix = /^(folder|idx|npy):(.*)$/s.exec(trimmed);
  if (prefix) {
    const [, kind, rest] = prefix;
    if (kind === 'folder') {
      if (rest === '') throw new SynganError(`invalid dataset "${text}": folder: needs a path`, { hint: SPEC_HINT });
      return { kind: 'folder', path: rest };
    }
    const parts = rest.split(',');
    if (kind === 'idx') {
      if (parts.length !== 2 || parts.some((part) => part === '')) {
        throw new SynganError(`invalid dataset "${text}": idx: needs two paths, IMAGES,LABELS`, { hint: SPEC_HINT });
      }
      return { kind: 'idx', images: parts[0], labels: parts[1] };
    }
    if (parts.length > 2 || parts[0] === '' || parts[1] === '') {
      throw new SynganError(`invalid dataset "${text}": npy: needs IMAGES or IMAGES,LABELS`, { hint: SPEC_HINT });
    }
    return { kind: 'npy', images: parts[0], labels: parts[1] };
  }
  if (trimmed === '') throw new SynganError('invalid dataset "": empty name', { hint: SPEC_HINT });
  return detectPath(trimmed);
}

/** Formats a spec as the text `parseDatasetSpec` accepts, for logs and errors. */
export function describeDatasetSpec(spec: DatasetSpec): string {
  if (typeof spec === 'string') return spec;
  if (spec.kind === 'folder') return `folder:${spec.path}`;
  if (spec.kind === 'idx') return `idx:${spec.images},${spec.labels}`;
  return spec.labels ? `npy:${spec.images},${spec.labels}` : `npy:${spec.images}`;
}
