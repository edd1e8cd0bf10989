import path from 'node:path';

import { SynganError } from '../core/errors';
import { sha256File } from '../core/files';
import { checkLabels, numericClassNames } from './idx-dataset';
import { readNpy } from './npy';
import type { ImageDataset, Split } from './types';

/** Class name given to every image of an NPY dataset without a label file. */
export const UNLABELLED_CLASS = 'unlabelled';

/** Tolerance for float pixels just outside [-1, 1] from rounding. */
const FLOAT_RANGE_TOLERANCE = 1e-3;

/**
 * Converts float pixels in [-1, 1] to bytes: round((x + 1) × 127.5), clipped to 0..255.
 * Throws, naming `file`, for a value outside [-1, 1] or not finite.
 */
function floatsToBytes(values: Float32Array | Float64Array, file: string): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const x = values[i];
    if (!(x >= -1 - FLOAT_RANGE_TOLERANCE && x <= 1 + FLOAT_RANGE_TOLERANCE)) {
      throw new SynganError(`${file}: float pixel value ${x} at flat index ${i} is outside [-1, 1]`,
        { hint: 'save float images scaled to [-1, 1] (x / 127.5 - 1), or save bytes 0..255 as uint8' });
    }
    bytes[i] = Math.min(255, Math.max(0, Math.round((x + 1) * 127.5)));
  }
  return bytes;
}

/**
 * Reads images from an NPY file of shape (count, height, width) or (count, height, width,
 * channels) with 1 or 3 channels: uint8 0..255, or float32/float64 in [-1, 1]. Labels come from
 * an optional NPY file of shape (count,) with integer class indices 0..255 (uint8, int32 or
 * int64). Without a label file every image gets label 0 and the class name "unlabelled". The
 * dataset records the SHA-256 of each file by file name.
 */
export function readNpyDataset(
  imagesFile: string, labelsFile: string | undefined,
  options: { name: string; split: Split; classNames?: string[] },
): ImageDataset {
  const array = readNpy(imagesFile);
  if (array.shape.length !== 3 && array.shape.length !== 4) {
    throw new SynganError(`${imagesFile}: NPY images have shape (${array.shape.join(', ')}); expected (count, height, width) ` +
      'or (count, height, width, channels)', { hint: 'save the images as an array of that shape in C order' });
  }
  const [count, height, width] = array.shape;
  const channels = array.shape.length === 4 ? array.shape[3] : 1;
  if (channels !== 1 && channels !== 3) {
    throw new SynganError(`${imagesFile}: NPY images have ${channels} channels; syngan reads 1 (grayscale) or 3 (RGB)`,
      { hint: 'save the images with 1 or 3 channels in the last axis (NHWC)' });
  }
  let images: Uint8Array;
  if (array.dtype === '|u1') images = array.data as Uint8Array;
  else if (array.dtype === '<f4' || array.dtype === '<f8') images = floatsToBytes(array.data as Float32Array | Float64Array, imagesFile);
  else {
    throw new SynganError(`${imagesFile}: unsupported NPY dtype ${array.dtype} for images`,
      { hint: 'save images as uint8 (0..255) or float32 in [-1, 1]' });
  }

  const checksums: Record<string, string> = { [path.basename(imagesFile)]: sha256File(imagesFile) };
  let labels: Uint8Array;
  let classNames: string[];
  if (labelsFile === undefined) {
    labels = new Uint8Array(count);
    classNames = options.classNames ?? [UNLABELLED_CLASS];
  } else {
    const labelArray = readNpy(labelsFile);
    if (labelArray.shape.length !== 1) {
      throw new SynganError(`${labelsFile}: NPY labels have shape (${labelArray.shape.join(', ')}); expected (count,)`,
        { hint: 'save the labels as a one-dimensional integer array' });
    }
    if (labelArray.shape[0] !== count) {
      throw new SynganError(`image/label count mismatch: ${imagesFile} has ${count} images but ${labelsFile} has ${labelArray.shape[0]} labels`,
        { hint: 'pass the label file that belongs to this image file' });
    }
    if (labelArray.dtype === '<f4' || labelArray.dtype === '<f8') {
      throw new SynganError(`${labelsFile}: NPY labels are floating point (${labelArray.dtype})`,
        { hint: 'save labels as integer class indices (uint8, int32 or int64)' });
    }
    labels = new Uint8Array(count);
    for (let i = 0; i < count; i += 1) {
      const label = labelArray.data[i];
      if (label < 0 || label > 255) {
        throw new SynganError(`${labelsFile}: label ${label} at index ${i} is outside 0..255`,
          { hint: 'labels must be class indices; at most 256 classes are supported' });
      }
      labels[i] = label;
    }
    let maxLabel = -1;
    for (const label of labels) maxLabel = Math.max(maxLabel, label);
    classNames = options.classNames ?? numericClassNames(maxLabel + 1);
    checkLabels(labels, classNames, labelsFile);
    const labelsName = path.basename(labelsFile) === path.basename(imagesFile) ? path.resolve(labelsFile) : path.basename(labelsFile);
    checksums[labelsName] = sha256File(labelsFile);
  }
  return { name: options.name, split: options.split, count, height, width, channels, images, labels, classNames, checksums };
}
