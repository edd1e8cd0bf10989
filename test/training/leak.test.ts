import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { Family } from '../../src/models';
import { tinyTrainer } from './helpers';

function memoryAfterSteps(family: Family, checkpoints: number[]): Array<{ numTensors: number; numBytes: number }> {
  const trainer = tinyTrainer(family, { batchSize: 4, latentDim: 8 }, 2);
  const images = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 1);
  const labels = tf.tensor1d([1, 2, 3, 4], 'int32');
  const batches = Array.from({ length: trainer.hyper.nCritic }, () => ({ images: images as never, labels: labels as never }));
  const snapshots: Array<{ numTensors: number; numBytes: number }> = [];
  const last = checkpoints[checkpoints.length - 1];
  for (let step = 0; step < last; step += 1) {
    trainer.step(batches, step);
    if (checkpoints.includes(step + 1)) {
      const { numTensors, numBytes } = tf.memory();
      snapshots.push({ numTensors, numBytes });
    }
  }
  trainer.dispose();
  trainer.generator.store.dispose();
  trainer.discriminator.store.dispose();
  tf.dispose([images, labels]);
  return snapshots;
}

test('dcgan step leaks no tensors over 1000 steps', () => {
  const [after10, after1000] = memoryAfterSteps('dcgan', [10, 1000]);
  assert.equal(after1000.numTensors, after10.numTensors);
  assert.equal(after1000.numBytes, after10.numBytes);
});

for (const family of ['wgan-gp', 'sngan', 'cgan'] as const) {
  test(`${family} step leaks no tensors`, () => {
    const [after10, after100] = memoryAfterSteps(family, [10, 100]);
    assert.equal(after100.numTensors, after10.numTensors);
    assert.equal(after100.numBytes, after10.numBytes);
  });
}
