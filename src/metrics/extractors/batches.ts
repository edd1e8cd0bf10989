import { createHash } from 'node:crypto';

import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../../core/backend';
import type { Random } from '../../core/random';
import type { FeatureMatrix } from '../feature-matrix';

/** The image arrays of an `ImageDataset` that extraction reads. */
export interface ImageBytes {
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Pixel bytes 0..255, NHWC row-major. */
  images: Uint8Array;
}

/** Images with a class index per image, as training reads them from an `ImageDataset`. */
export interface LabelledImages extends ImageBytes {
  labels: Uint8Array;
}

/**
 * Converts the images at `indices` (or images `start..end-1` when given a range) to a float32
 * tensor [n, h, w, c] scaled from 0..255 to [-1, 1].
 */
export function imagesToBatch(data: ImageBytes, indices: ArrayLike<number> | { start: number; end: number }): Tensor4D {
  const imageSize = data.height * data.width * data.channels;
  const count = 'start' in indices ? indices.end - indices.start : indices.length;
  const values = new Float32Array(count * imageSize);
  for (let row = 0; row < count; row += 1) {
    const source = ('start' in indices ? indices.start + row : indices[row]) * imageSize;
    const target = row * imageSize;
    for (let k = 0; k < imageSize; k += 1) values[target + k] = data.images[source + k] / 127.5 - 1;
  }
  return tf.tensor4d(values, [count, data.height, data.width, data.channels]);
}

/**
 * Converts the images at `indices` to a float32 tensor [n, h, w, c] in [-1, 1], each shifted by a
 * random whole number of pixels in [-maxShift, maxShift] along each axis (drawn from `random`).
 * Pixels shifted in from outside the image are background (byte 0, value -1).
 */
export function shiftedImagesToBatch(data: ImageBytes, indices: ArrayLike<number>, maxShift: number, random: Random): Tensor4D {
  const { height, width, channels } = data;
  const imageSize = height * width * channels;
  const values = new Float32Array(indices.length * imageSize).fill(-1);
  for (let row = 0; row < indices.length; row += 1) {
    const shiftY = random.int(2 * maxShift + 1) - maxShift;
    const shiftX = random.int(2 * maxShift + 1) - maxShift;
    const source = indices[row] * imageSize;
    const target = row * imageSize;
    for (let y = Math.max(0, shiftY); y < Math.min(height, height + shiftY); y += 1) {
      const sourceRow = source + (y - shiftY) * width * channels;
      const targetRow = target + y * width * channels;
      for (let x = Math.max(0, shiftX); x < Math.min(width, width + shiftX); x += 1) {
        for (let c = 0; c < channels; c += 1) {
          values[targetRow + x * channels + c] = data.images[sourceRow + (x - shiftX) * channels + c] / 127.5 - 1;
        }
      }
    }
  }
  return tf.tensor4d(values, [indices.length, height, width, channels]);
}

/** Copies the labels at `indices` into an int32 array. */
export function labelsAt(data: LabelledImages, indices: ArrayLike<number>): Int32Array {
  const labels = new Int32Array(indices.length);
  for (let row = 0; row < indices.length; row += 1) labels[row] = data.labels[indices[row]];
  return labels;
}

/**
 * Runs `map` over `images` in slices of `batchSize` rows and stacks the 2-D results into one
 * float32 matrix. `map` runs inside `tf.tidy`, so its intermediate tensors are freed.
 */
export function mapInBatches(images: Tensor4D, batchSize: number, map: (batch: Tensor4D) => Tensor): FeatureMatrix {
  const rows = images.shape[0];
  let cols = 0;
  let data = new Float32Array(0);
  for (let start = 0; start < rows; start += batchSize) {
    const size = Math.min(batchSize, rows - start);
    const values = tf.tidy(() => {
      const batch = images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const output = map(batch);
      return output.reshape([size, output.size / Math.max(size, 1)]) as Tensor2D;
    });
    if (start === 0) {
      cols = values.shape[1];
      data = new Float32Array(rows * cols);
    }
    data.set(values.dataSync() as Float32Array, start * cols);
    values.dispose();
  }
  return { rows, cols, data };
}

/**
 * Runs `extract` over every image of a dataset, `batchSize` images at a time, without building
 * one tensor for the whole dataset. Returns one row per image.
 */
export function mapDatasetInBatches(data: ImageBytes, batchSize: number, extract: (batch: Tensor4D) => FeatureMatrix): FeatureMatrix {
  const parts: FeatureMatrix[] = [];
  for (let start = 0; start < data.count; start += batchSize) {
    const batch = imagesToBatch(data, { start, end: Math.min(data.count, start + batchSize) });
    try {
      parts.push(extract(batch));
    } finally {
      batch.dispose();
    }
  }
  const cols = parts.length > 0 ? parts[0].cols : 0;
  const matrix = new Float32Array(data.count * cols);
  let offset = 0;
  for (const part of parts) {
    matrix.set(part.data, offset);
    offset += part.data.length;
  }
  return { rows: data.count, cols, data: matrix };
}

/**
 * SHA-256 (hex) of the image size, pixel bytes and labels (when present), so two datasets with
 * the same content get the same checksum whatever files they were read from.
 */
export function contentChecksum(data: ImageBytes & { labels?: Uint8Array }): string {
  const hash = createHash('sha256');
  hash.update(`${data.count}x${data.height}x${data.width}x${data.channels}\n`);
  hash.update(data.images.subarray(0, data.count * data.height * data.width * data.channels));
  if (data.labels) hash.update(data.labels.subarray(0, data.count));
  return hash.digest('hex');
}
