import { deriveSeed, Random } from '../core/random';

/**
 * Returns a permutation of 0..count-1 for one epoch, seeded from `seed` and `epoch` (through
 * `deriveSeed`), so every run with the same seed visits the images in the same order.
 */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return new Random(deriveSeed(seed, `epoch-order/${epoch}`)).permutation(count);
}

/**
 * Cuts the epoch's image indices into batches of `batchSize`, in `epochOrder`. With
 * `dropRemainder` (default) a last batch smaller than `batchSize` is dropped, so every batch
 * has the same size; without it every index appears exactly once. Returns `floor(count /
 * batchSize)` (or `ceil`) arrays.
 */
export function batchIndices(count: number, batchSize: number, seed: number, epoch: number, dropRemainder = true): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize} must be a positive integer`);
  const order = epochOrder(count, seed, epoch);
  const batches: Uint32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    if (end - start < batchSize && dropRemainder) break;
    batches.push(order.slice(start, end));
  }
  return batches;
}
