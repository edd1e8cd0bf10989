import { tf } from '../core/backend';
import { convertChannels } from './images';
import { imageSize } from './ops';
import type { ImageDataset } from './types';

/** Images per TensorFlow.js call when resizing many images of one size. */
const RESIZE_BATCH = 1024;

/**
 * Resizes `count` 8-bit images (NHWC, `height × width × channels` each) to
 * `newHeight × newWidth` with bilinear interpolation (half-pixel centres, as TensorFlow 2's
 * `tf.image.resize`), rounding and clipping back to 0..255. No antialiasing, so large
 * reductions can alias.
 */
export function resizeImages(
  images: Uint8Array, count: number, height: number, width: number, channels: number,
  newHeight: number, newWidth: number,
): Uint8Array {
  if (height === newHeight && width === newWidth) return images;
  const inSize = height * width * channels;
  const outSize = newHeight * newWidth * channels;
  const out = new Uint8Array(count * outSize);
  for (let start = 0; start < count; start += RESIZE_BATCH) {
    const batch = Math.min(RESIZE_BATCH, count - start);
    const values = tf.tidy(() => {
      const input = tf.tensor4d(images.subarray(start * inSize, (start + batch) * inSize), [batch, height, width, channels], 'int32');
      const resized = tf.image.resizeBilinear(tf.cast(input, 'float32'), [newHeight, newWidth], false, true);
      return tf.clipByValue(tf.round(resized), 0, 255);
    });
    out.set(values.dataSync(), start * outSize);
    values.dispose();
  }
  return out;
}

/**
 * Returns `ds` with its images resized to `height × width` and converted to `channels`, where
 * these are given and differ; otherwise `ds` itself.
 */
export function conformDataset(ds: ImageDataset, options: { height?: number; width?: number; channels?: 1 | 3 }): ImageDataset {
  const height = options.height ?? ds.height;
  const width = options.width ?? ds.width;
  const channels = (options.channels ?? ds.channels) as 1 | 3;
  if (height === ds.height && width === ds.width && channels === ds.channels) return ds;
  let images = resizeImages(ds.images, ds.count, ds.height, ds.width, ds.channels, height, width);
  if (channels !== ds.channels) {
    images = convertChannels(images, ds.count * height * width, ds.channels as 1 | 3, channels);
  }
  const result = { ...ds, height, width, channels, images };
  if (images.length !== ds.count * imageSize(result)) throw new Error('conformDataset: image bytes do not match the new shape');
  return result;
}
