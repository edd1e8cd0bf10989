import { tf } from '../core/backend';
import type * as tfjs from '@tensorflow/tfjs';

import { imageSize } from './ops';
import type { ImageDataset } from './types';

/** Indices 0..count-1, or the given ones checked against `count`. */
function resolveIndices(count: number, indices: ArrayLike<number> | undefined): ArrayLike<number> {
  if (indices === undefined) return { length: count } as ArrayLike<number>;
  for (let i = 0; i < indices.length; i += 1) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`index ${index} at position ${i} is outside 0..${count - 1}`);
    }
  }
  return indices;
}

/**
 * Images as a float32 tensor of shape [n, height, width, channels] with values in [-1, 1]
 * (x / 127.5 - 1). `indices` picks and orders the images; default all.
 */
export function imagesToTensor(ds: ImageDataset, indices?: ArrayLike<number>): tfjs.Tensor4D {
  const picked = resolveIndices(ds.count, indices);
  const size = imageSize(ds);
  const values = new Float32Array(picked.length * size);
  for (let i = 0; i < picked.length; i += 1) {
    const source = (indices === undefined ? i : picked[i]) * size;
    const target = i * size;
    for (let j = 0; j < size; j += 1) values[target + j] = ds.images[source + j] / 127.5 - 1;
  }
  return tf.tensor4d(values, [picked.length, ds.height, ds.width, ds.channels], 'float32');
}

/**
 * Converts a tensor of images in [-1, 1] (any shape, usually [n, height, width, channels]) to
 * bytes: round((x + 1) × 127.5), clipped to 0..255, NaN mapped to 0. Inverse of
 * `imagesToTensor`. The tensor is not disposed.
 */
export function tensorToImageBytes(images: tfjs.Tensor4D): Uint8Array {
  const values = images.dataSync();
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const x = Math.round((values[i] + 1) * 127.5);
    if (x > 255) bytes[i] = 255;
    else if (x >= 0) bytes[i] = x;
    else bytes[i] = 0; // negative values and NaN
  }
  return bytes;
}

/** Labels (class indices) as an int32 tensor of shape [n]; `indices` picks and orders them. */
export function labelsToTensor(ds: ImageDataset, indices?: ArrayLike<number>): tfjs.Tensor1D {
  const picked = resolveIndices(ds.count, indices);
  const values = new Int32Array(picked.length);
  for (let i = 0; i < picked.length; i += 1) values[i] = ds.labels[indices === undefined ? i : picked[i]];
  return tf.tensor1d(values, 'int32');
}
