import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { cacheKey, loadCached } from './cache';
import { convertChannels, decodeImageFile, type DecodedImage } from './images';
import { concatDatasets } from './ops';
import { resizeImages } from './transform';
import type { ImageDataset, Split } from './types';

/** File name extensions (lower case) of the images an image folder may contain. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Options for loading an image folder. */
export interface ImageFolderOptions {
  /** Image height in pixels after resizing; needed (with `width`) when the images differ in size. */
  height?: number;
  /** Image width in pixels after resizing. */
  width?: number;
  /** 1 (grayscale) or 3 (RGB); by default 3 when any image is in colour, else 1. */
  channels?: 1 | 3;
  cacheDir: string;
}

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
function compareCodePoints(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Visible entries of a folder (names not starting with "."), sorted by code point. */
function visibleEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => compareCodePoints(a.name, b.name));
}

/** Class subfolders of `dir`, sorted by name. */
function classFolders(dir: string): string[] {
  return visibleEntries(dir).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** True when `root` contains `train/` and `test/` folders that each contain class subfolders. */
export function hasSplitFolders(root: string): boolean {
  return ['train', 'test'].every((part) => {
    const dir = path.join(root, part);
    return fs.existsSync(dir) && fs.statSync(dir).isDirectory() && classFolders(dir).length > 0;
  });
}

/**
 * Lists the image files of each class folder of `root`, checking that every visible file is a
 * PNG or JPEG by its extension and that no class folder is empty.
 */
function listClassImages(root: string): { classNames: string[]; files: string[][] } {
  const classNames = classFolders(root);
  if (classNames.length === 0) {
    throw new SynganError(`${root}: no class subfolders found`,
      { hint: 'put the images in one subfolder per class, for example cats/001.png and dogs/001.png' });
  }
  const files = classNames.map((className) => {
    const dir = path.join(root, className);
    const images: string[] = [];
    for (const entry of visibleEntries(dir)) {
      const file = path.join(dir, entry.name);
      if (!entry.isFile()) {
        throw new SynganError(`${file}: unexpected folder inside class folder ${className}`,
          { hint: 'class folders must contain only image files (.png, .jpg, .jpeg)' });
      }
      if (!IMAGE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        throw new SynganError(`${file}: not an image file (syngan reads ${IMAGE_EXTENSIONS.join(', ')})`,
          { hint: 'remove the file from the class folder or convert it to PNG or JPEG' });
      }
      images.push(file);
    }
    if (images.length === 0) {
      throw new SynganError(`${dir}: class folder ${className} has no images`,
        { hint: 'add .png or .jpg images to it, or remove the folder' });
    }
    return images;
  });
  return { classNames, files };
}

/**
 * SHA-256 of a set of files: the hash of the lines `<relative path>\t<sha256 of the file>\n`,
 * sorted by path. Records a folder of many images as one checksum.
 */
export function folderChecksum(root: string, files: readonly string[]): string {
  const lines = files
    .map((file) => `${path.relative(root, file).split(path.sep).join('/')}\t${sha256(fs.readFileSync(file))}\n`)
    .sort();
  return sha256(lines.join(''));
}

/** Decodes, resizes and stacks the images of one class-folder tree. */
function readClassFolders(root: string, name: string, split: Split, options: ImageFolderOptions): ImageDataset {
  const { classNames, files } = listClassImages(root);
  const decoded: DecodedImage[] = [];
  const labels: number[] = [];
  files.forEach((classFiles, label) => {
    for (const file of classFiles) {
      decoded.push(decodeImageFile(file));
      labels.push(label);
    }
  });

  const first = decoded[0];
  const height = options.height ?? first.height;
  const width = options.width ?? first.width;
  if (options.height === undefined || options.width === undefined) {
    const allFiles = files.flat();
    const odd = decoded.findIndex((image) => image.height !== height || image.width !== width);
    if (odd >= 0) {
      throw new SynganError(`${allFiles[odd]}: image is ${decoded[odd].height}×${decoded[odd].width} but ${allFiles[0]} is ` +
        `${first.height}×${first.width}`, { hint: 'set the target size (height and width) so that every image is resized to it' });
    }
  }
  const channels = options.channels ?? (decoded.some((image) => image.channels === 3) ? 3 : 1);

  const size = height * width * channels;
  const images = new Uint8Array(decoded.length * size);
  decoded.forEach((image, i) => {
    const resized = resizeImages(image.pixels, 1, image.height, image.width, image.channels, height, width);
    images.set(convertChannels(resized, height * width, image.channels, channels), i * size);
  });

  const checksumKey = `${path.basename(path.resolve(root))}/`;
  return {
    name, split, count: decoded.length, height, width, channels,
    images, labels: Uint8Array.from(labels), classNames,
    checksums: { [checksumKey]: folderChecksum(root, files.flat()) },
  };
}

function loadClassFoldersCached(root: string, name: string, split: Split, options: ImageFolderOptions): ImageDataset {
  const { files } = listClassImages(root);
  const key = cacheKey(files.flat(), {
    source: 'folder', root: path.resolve(root), split, height: options.height, width: options.width, channels: options.channels,
  });
  const cacheName = `folder-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${sha256(path.resolve(root)).slice(0, 8)}-${split}`;
  return loadCached(options.cacheDir, cacheName, key, () => readClassFolders(root, name, split, options));
}

/**
 * Loads a folder of images with one subfolder per class (class names are the sorted folder
 * names, label i is the i-th name). PNG and JPEG, grayscale or RGB. Every image is resized to
 * `height × width` (bilinear) and converted to `channels`. Names starting with "." and plain
 * files next to the class folders are ignored. Any other non-image file is an error, and so is
 * an empty class folder.
 *
 * Splits: when `root` contains `train/` and `test/` folders of class subfolders, those are the
 * splits and `all` is both. Otherwise the folder has no split of its own: `train` and `all`
 * return every image, and `test` is an error. Decoded images are cached in `cacheDir`.
 */
export function loadImageFolder(root: string, split: Split, options: ImageFolderOptions): ImageDataset {
  if (!fs.existsSync(root)) throw new SynganError(`${root}: folder not found`, { hint: 'check the path' });
  if (!fs.statSync(root).isDirectory()) {
    throw new SynganError(`${root}: not a folder`, { hint: 'pass a folder with one subfolder of images per class' });
  }
  const name = path.basename(path.resolve(root));
  if (hasSplitFolders(root)) {
    if (split !== 'all') return loadClassFoldersCached(path.join(root, split), name, split, options);
    const train = loadClassFoldersCached(path.join(root, 'train'), name, 'train', options);
    const test = loadClassFoldersCached(path.join(root, 'test'), name, 'test', options);
    return concatDatasets([train, test], 'all');
  }
  if (split === 'test') {
    throw new SynganError(`${root}: the folder has no test split`,
      { hint: 'load it as train or all, or arrange it as train/<class>/… and test/<class>/…' });
  }
  return loadClassFoldersCached(root, name, split, options);
}
