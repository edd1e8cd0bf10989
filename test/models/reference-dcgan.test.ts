import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { FAMILIES, buildModels } from '../../src/models';

test('reference DCGAN parameter counts', () => {
  const { generator, discriminator } = buildModels('reference-dcgan', {
    image: { height: 28, width: 28, channels: 1 }, latentDim: 100, width: 64, numClasses: 10, seed: 1,
  });
  assert.equal(generator.store.trainableCount(), 2_305_473);
  assert.equal(generator.store.trainableCount() + generator.store.stateCount(), 2_330_945);
  assert.equal(discriminator.store.trainableCount(), 212_865);
  generator.store.dispose();
  discriminator.store.dispose();
});

test('every family builds 28x28 and 32x32 shapes', () => {
  for (const family of FAMILIES) {
    const shapes = family === 'reference-dcgan' ? [{ height: 28, width: 28, channels: 1 }]
      : [{ height: 28, width: 28, channels: 1 }, { height: 32, width: 32, channels: 3 }];
    for (const image of shapes) {
      const latentDim = family === 'reference-dcgan' ? 100 : 12;
      const { generator, discriminator } = buildModels(family, { image, latentDim, width: 4, numClasses: 10, seed: 2 });
      tf.tidy(() => {
        const labels = tf.tensor1d([0, 3, 9], 'int32');
        const images = generator.apply(tf.randomNormal([3, latentDim], 0, 1, 'float32', 1), { training: false }, labels);
        assert.deepEqual(images.shape, [3, image.height, image.width, image.channels], `${family} generator`);
        const values = images.dataSync();
        assert.ok(values.every((x) => x >= -1 && x <= 1), `${family}: generator output outside [-1, 1]`);
        const scores = discriminator.apply(images, { training: true, seed: 1 }, labels);
        assert.deepEqual(scores.shape, [3], `${family} discriminator`);
      });
      generator.store.dispose();
      discriminator.store.dispose();
    }
  }
});

test('same seed builds the same weights', () => {
  const options = { image: { height: 28, width: 28, channels: 1 }, latentDim: 8, width: 4, numClasses: 10, seed: 4 };
  const a = buildModels('dcgan', options);
  const b = buildModels('dcgan', options);
  const c = buildModels('dcgan', { ...options, seed: 5 });
  const kernel = (models: typeof a): number[] => Array.from(models.generator.store.trainable.get('up1/kernel')!.dataSync());
  assert.deepEqual(kernel(a), kernel(b));
  assert.notDeepEqual(kernel(a), kernel(c));
  for (const models of [a, b, c]) {
    models.generator.store.dispose();
    models.discriminator.store.dispose();
  }
});
