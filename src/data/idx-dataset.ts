import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import { decodeIdx } from './idx';
import type { ImageDataset, Split } from './types';

/** Class names `'0'`, `'1'`, … for labels that are plain class indices. */
export function numericClassNames(classCount: number): string[] {
  return Array.from({ length: classCount }, (_, i) => String(i));
}

/**
 * Throws unless every label is a valid index into `classNames`; the error names `file` and the
 * first bad label's position.
 */
export function checkLabels(labels: Uint8Array, classNames: readonly string[], file: string): void {
  for (let i = 0; i < labels.length; i += 1) {
    if (labels[i] >= classNames.length) {
      throw new SynganError(`${file}: label ${labels[i]} at index ${i} is out of range for ${classNames.length} classes`,
        { hint: `labels must be class indices 0..${classNames.length - 1}` });
    }
  }
}

function readSource(file: string): Buffer {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: file not found`, { hint: 'check the path' });
  return fs.readFileSync(file);
}

/**
 * Reads an IDX image file (`count × height × width`, or `count × height × width × channels` with
 * 1 or 3 channels) and its IDX label file (`count` class indices). Class names default to
 * `'0'..'<max label>'`. The dataset records the SHA-256 of both files' bytes by file name.
 */
export function readIdxDataset(
  imagesFile: string, labelsFile: string,
  options: { name: string; split: Split; classNames?: string[] },
): ImageDataset {
  const imageBytes = readSource(imagesFile);
  const labelBytes = readSource(labelsFile);
  const images = decodeIdx(imageBytes, imagesFile);
  const labels = decodeIdx(labelBytes, labelsFile);

  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new SynganError(`${imagesFile}: IDX images have ${images.shape.length} dimensions (${images.shape.join(', ')}); ` +
      'expected 3 (count, height, width) or 4 (count, height, width, channels)', { hint: 'pass an IDX image file, not a label file' });
  }
  const [count, height, width] = images.shape;
  const channels = images.shape.length === 4 ? images.shape[3] : 1;
  if (channels !== 1 && channels !== 3) {
    throw new SynganError(`${imagesFile}: IDX images have ${channels} channels; syngan reads 1 (grayscale) or 3 (RGB)`,
      { hint: 'write the images with 1 or 3 channels' });
  }
  if (labels.shape.length !== 1) {
    throw new SynganError(`${labelsFile}: IDX labels have shape (${labels.shape.join(', ')}); expected one dimension (count)`,
      { hint: 'pass an IDX label file such as train-labels-idx1-ubyte' });
  }
  if (labels.shape[0] !== count) {
    throw new SynganError(`image/label count mismatch: ${imagesFile} has ${count} images but ${labelsFile} has ${labels.shape[0]} labels`,
      { hint: 'pass the label file that belongs to this image file' });
  }

  let maxLabel = -1;
  for (const label of labels.data) maxLabel = Math.max(maxLabel, label);
  const classNames = options.classNames ?? numericClassNames(maxLabel + 1);
  checkLabels(labels.data, classNames, labelsFile);

  const imagesName = path.basename(imagesFile);
  const labelsName = imagesName === path.basename(labelsFile) ? path.resolve(labelsFile) : path.basename(labelsFile);
  return {
    name: options.name,
    split: options.split,
    count,
    height,
    width,
    channels,
    images: images.data,
    labels: labels.data,
    classNames,
    checksums: { [imagesName]: sha256(imageBytes), [labelsName]: sha256(labelBytes) },
  };
}
