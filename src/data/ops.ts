import { SynganError } from '../core/errors';
import { sha256 } from '../core/files';
import type { ImageDataset, Split } from './types';

/** Bytes of one image: height × width × channels. */
export function imageSize(ds: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return ds.height * ds.width * ds.channels;
}

/**
 * Copies the images and labels at `indices` (in that order, repeats allowed) into a new dataset
 * with the same name, split and checksums.
 */
export function selectImages(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = imageSize(ds);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= ds.count) {
      throw new RangeError(`index ${index} at position ${i} is outside 0..${ds.count - 1}`);
    }
    images.set(ds.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = ds.labels[index];
  }
  return { ...ds, count: indices.length, images, labels, checksums: { ...ds.checksums } };
}

/**
 * Copies the images and labels at `indices` (in that order, repeats allowed) into a new dataset.
 * Its checksums gain a `subset-indices` entry, the SHA-256 of the indices as uint32 LE, so
 * `datasetChecksum` distinguishes subsets. Throws a RangeError for an index outside the dataset.
 */
export function subsetDataset(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const subset = selectImages(ds, indices);
  const indicesSha256 = sha256(new Uint8Array(Uint32Array.from(indices).buffer));
  const parent = ds.checksums['subset-indices'];
  subset.checksums['subset-indices'] = parent ? sha256(`${parent}/${indicesSha256}`) : indicesSha256;
  return subset;
}

/** Number of images per class, indexed like `ds.classNames`. */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.count; i += 1) counts[ds.labels[i]] += 1;
  return counts;
}

/**
 * Joins datasets of the same image shape and class names, in order, as `split`. Used for the
 * `all` split of sources that store train and test separately.
 */
export function concatDatasets(parts: ImageDataset[], split: Split): ImageDataset {
  const first = parts[0];
  for (const part of parts) {
    if (part.height !== first.height || part.width !== first.width || part.channels !== first.channels) {
      throw new SynganError(`cannot join ${part.name} (${part.split}) of ${part.height}×${part.width}×${part.channels} ` +
        `with ${first.height}×${first.width}×${first.channels} images`, { hint: 'resize both parts to one size' });
    }
    if (part.classNames.join('\n') !== first.classNames.join('\n')) {
      throw new SynganError(`cannot join ${part.name} (${part.split}): its class names differ from ${first.name} (${first.split})`,
        { hint: 'give both parts the same class folders' });
    }
  }
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const images = new Uint8Array(count * imageSize(first));
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const part of parts) {
    images.set(part.images, offset * imageSize(first));
    labels.set(part.labels, offset);
    offset += part.count;
  }
  const checksums = Object.assign({}, ...parts.map((part) => part.checksums)) as Record<string, string>;
  return { ...first, split, count, images, labels, checksums };
}
