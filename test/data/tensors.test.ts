import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import {
  batchIndices, classCounts, datasetChecksum, epochOrder, type ImageDataset, imageGrid, imagesToTensor, labelsToTensor,
  subsetDataset, tensorToImageBytes,
} from '../../src/data';

/** Every byte value 0..255 once, as 4 images of 8×8×1, labels 0..3. */
function rampDataset(): ImageDataset {
  return {
    name: 'ramp', split: 'train', count: 4, height: 8, width: 8, channels: 1,
    images: Uint8Array.from({ length: 256 }, (_, i) => i), labels: Uint8Array.from([0, 1, 2, 3]),
    classNames: ['a', 'b', 'c', 'd'], checksums: { 'ramp.bin': 'x' },
  };
}

test('imagesToTensor shape and range', () => {
  const ds = rampDataset();
  const images = imagesToTensor(ds);
  assert.deepEqual(images.shape, [4, 8, 8, 1]);
  assert.equal(images.dtype, 'float32');
  const values = images.dataSync();
  assert.equal(values[0], -1);
  assert.equal(values[255], 1);
  assert.ok(Math.abs(values[128] - (128 / 127.5 - 1)) < 1e-7);
  assert.equal(tf.min(images).dataSync()[0], -1);
  assert.equal(tf.max(images).dataSync()[0], 1);
  images.dispose();
});

test('imagesToTensor with indices', () => {
  const ds = rampDataset();
  const picked = imagesToTensor(ds, [3, 1]);
  assert.deepEqual(picked.shape, [2, 8, 8, 1]);
  assert.ok(Math.abs(picked.dataSync()[0] - (192 / 127.5 - 1)) < 1e-7);
  assert.ok(Math.abs(picked.dataSync()[64] - (64 / 127.5 - 1)) < 1e-7);
  assert.throws(() => imagesToTensor(ds, [4]), /index 4 at position 0 is outside 0..3/);
  picked.dispose();
});

test('tensorToImageBytes inverts imagesToTensor', () => {
  const ds = rampDataset();
  const images = imagesToTensor(ds);
  assert.deepEqual(Array.from(tensorToImageBytes(images)), Array.from(ds.images));
  images.dispose();

  const outside = tf.tensor4d([-3, -1, -0.999, 0, 0.999, 1, 7, Number.NaN], [1, 2, 4, 1]);
  assert.deepEqual(Array.from(tensorToImageBytes(outside)), [0, 0, 0, 128, 255, 255, 255, 0]);
  outside.dispose();
});

test('labelsToTensor int32', () => {
  const labels = labelsToTensor(rampDataset(), [2, 2, 0]);
  assert.equal(labels.dtype, 'int32');
  assert.deepEqual(Array.from(labels.dataSync()), [2, 2, 0]);
  labels.dispose();
});

test('epochOrder deterministic per epoch', () => {
  const first = epochOrder(1000, 42, 0);
  assert.deepEqual(Array.from(epochOrder(1000, 42, 0)), Array.from(first));
  assert.notDeepEqual(Array.from(epochOrder(1000, 42, 1)), Array.from(first));
  assert.notDeepEqual(Array.from(epochOrder(1000, 43, 0)), Array.from(first));
  assert.deepEqual(Array.from(first).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
});

test('batchIndices covers each index once', () => {
  const batches = batchIndices(103, 10, 7, 3, false);
  assert.equal(batches.length, 11);
  assert.equal(batches[10].length, 3);
  const seen = batches.flatMap((batch) => Array.from(batch)).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 103 }, (_, i) => i));
  assert.deepEqual(batches.map((batch) => Array.from(batch)), batchIndices(103, 10, 7, 3, false).map((batch) => Array.from(batch)));
});

test('batchIndices drops the remainder', () => {
  const batches = batchIndices(103, 10, 7, 3);
  assert.equal(batches.length, 10);
  assert.ok(batches.every((batch) => batch.length === 10));
  assert.equal(new Set(batches.flatMap((batch) => Array.from(batch))).size, 100);
  assert.deepEqual(Array.from(batches[0]), Array.from(epochOrder(103, 7, 3).subarray(0, 10)));
  assert.throws(() => batchIndices(10, 0, 1, 0), /batch size 0/);
});

test('subsetDataset copies and marks', () => {
  const ds = rampDataset();
  const subset = subsetDataset(ds, [2, 0]);
  assert.equal(subset.count, 2);
  assert.deepEqual(Array.from(subset.labels), [2, 0]);
  assert.equal(subset.images[0], 128);
  assert.equal(subset.images[64], 0);
  assert.deepEqual(classCounts(subset), [1, 0, 1, 0]);
  assert.match(subset.checksums['subset-indices'], /^[0-9a-f]{64}$/);
  assert.notEqual(datasetChecksum(subset), datasetChecksum(subsetDataset(ds, [0, 2])));
  assert.equal(datasetChecksum(subset), datasetChecksum(subsetDataset(ds, [2, 0])));
  assert.throws(() => subsetDataset(ds, [5]), RangeError);
});

test('datasetChecksum depends on split', () => {
  const ds = rampDataset();
  assert.match(datasetChecksum(ds), /^[0-9a-f]{64}$/);
  assert.notEqual(datasetChecksum(ds), datasetChecksum({ ...ds, split: 'test' }));
  assert.notEqual(datasetChecksum(ds), datasetChecksum({ ...ds, checksums: { 'ramp.bin': 'y' } }));
});

test('imageGrid tiles with padding', () => {
  // Three 2×2 RGB images of values 10, 20, 30 in two columns with 1 pixel of padding.
  const images = Uint8Array.from({ length: 36 }, (_, i) => 10 * (Math.floor(i / 12) + 1));
  const grid = imageGrid(images, 3, 2, 2, 3, 2, 1);
  assert.deepEqual([grid.height, grid.width], [2 * 2 + 3, 2 * 2 + 3]);
  const pixel = (y: number, x: number): number[] => Array.from(grid.pixels.subarray((y * grid.width + x) * 3, (y * grid.width + x) * 3 + 3));
  assert.deepEqual(pixel(0, 0), [0, 0, 0]);
  assert.deepEqual(pixel(1, 1), [10, 10, 10]);
  assert.deepEqual(pixel(2, 5), [20, 20, 20]);
  assert.deepEqual(pixel(4, 1), [30, 30, 30]);
  assert.deepEqual(pixel(4, 4), [0, 0, 0], 'the empty fourth tile stays padding');
  assert.deepEqual(pixel(3, 3), [0, 0, 0]);
});
