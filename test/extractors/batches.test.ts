import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Random } from '../../src/core/random';
import { contentChecksum, imagesToBatch, shiftedImagesToBatch } from '../../src/metrics/extractors/batches';
import { mnistSubset } from './mnist-subset';

describe('image batches', () => {
  it('scales bytes to [-1, 1]', () => {
    const data = { count: 2, height: 1, width: 3, channels: 1, images: Uint8Array.from([0, 255, 51, 102, 204, 0]) };
    const batch = imagesToBatch(data, [1, 0]);
    try {
      assert.deepEqual(batch.shape, [2, 1, 3, 1]);
      const values = Array.from(batch.dataSync());
      const expected = [102, 204, 0, 0, 255, 51].map((byte) => byte / 127.5 - 1);
      values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `value ${i}: ${value}`));
    } finally {
      batch.dispose();
    }
  });

  it('shifts each image by at most maxShift', () => {
    // One bright pixel at (3, 4) of an 8×8 image: its position after the shift gives the shift.
    const count = 200;
    const images = new Uint8Array(count * 64);
    for (let i = 0; i < count; i += 1) images[i * 64 + 3 * 8 + 4] = 255;
    const data = { count, height: 8, width: 8, channels: 1, images };
    const indices = Array.from({ length: count }, (_, i) => i);
    const batch = shiftedImagesToBatch(data, indices, 2, new Random(1));
    const values = batch.dataSync();
    batch.dispose();

    const shifts = new Set<string>();
    for (let i = 0; i < count; i += 1) {
      const image = Array.from(values.subarray(i * 64, (i + 1) * 64));
      const bright = image.findIndex((value) => value === 1);
      assert.equal(image.filter((value) => value === 1).length, 1, `image ${i} has one bright pixel`);
      assert.equal(image.filter((value) => value === -1).length, 63, `image ${i} background is -1`);
      const shiftY = Math.floor(bright / 8) - 3;
      const shiftX = (bright % 8) - 4;
      assert.ok(Math.abs(shiftY) <= 2, `image ${i} shifted by ${shiftY} rows`);
      assert.ok(Math.abs(shiftX) <= 2, `image ${i} shifted by ${shiftX} columns`);
      shifts.add(`${shiftY},${shiftX}`);
    }
    assert.equal(shifts.size, 25, 'all 25 shifts occur in 200 draws');
  });

  it('shift of zero copies the images', () => {
    const digits = mnistSubset('test', 4);
    const plain = imagesToBatch(digits, [0, 1, 2, 3]);
    const shifted = shiftedImagesToBatch(digits, [0, 1, 2, 3], 0, new Random(3));
    try {
      assert.deepEqual(Array.from(shifted.dataSync()), Array.from(plain.dataSync()));
    } finally {
      plain.dispose();
      shifted.dispose();
    }
  });

  it('checksums depend on content only', () => {
    const a = mnistSubset('test', 10);
    const b = { ...mnistSubset('test', 10), name: 'renamed', checksums: { other: 'x' } };
    const c = mnistSubset('test', 10, 1);
    assert.equal(contentChecksum(a), contentChecksum(b));
    assert.notEqual(contentChecksum(a), contentChecksum(c));
    assert.notEqual(contentChecksum(a), contentChecksum({ ...a, labels: a.labels.map((label) => (label + 1) % 10) }));
  });
});
