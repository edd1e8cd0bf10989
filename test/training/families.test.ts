import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { imagesToTensor, labelsToTensor } from '../../src/data';
import { FAMILIES } from '../../src/models';
import { mnistSubset, tinyTrainer } from './helpers';

test('every family trains on MNIST without NaN', () => {
  const data = mnistSubset(64);
  for (const family of FAMILIES) {
    const trainer = tinyTrainer(family);
    const before = trainer.generator.store.trainable.values().next().value!.dataSync().slice();
    for (let step = 0; step < 3; step += 1) {
      const batches = Array.from({ length: trainer.hyper.nCritic }, (_, k) => {
        const indices = Array.from({ length: 8 }, (_, i) => ((step * trainer.hyper.nCritic + k) * 8 + i) % 64);
        return { images: imagesToTensor(data, indices), labels: labelsToTensor(data, indices) };
      });
      const metrics = trainer.step(batches, step);
      for (const batch of batches) tf.dispose([batch.images, batch.labels]);
      for (const [key, value] of Object.entries(metrics)) {
        if (value !== null) assert.ok(Number.isFinite(value), `${family} step ${step}: ${key} = ${value}`);
      }
      assert.equal(metrics.gradientPenalty !== null, family === 'wgan-gp', `${family}: gradientPenalty presence`);
      assert.equal(metrics.wasserstein !== null, family === 'wgan' || family === 'wgan-gp', `${family}: wasserstein presence`);
    }
    const after = trainer.generator.store.trainable.values().next().value!.dataSync();
    assert.notDeepEqual(Array.from(after), Array.from(before), `${family}: generator weights changed`);
    trainer.dispose();
    trainer.generator.store.dispose();
    trainer.discriminator.store.dispose();
  }
});
