import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Tensor } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { nativeBatchNormTraining } from '../../src/models';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('native batch norm matches the tfjs ops', () => {
  const x = tf.randomNormal([6, 3, 3, 4], 1, 2, 'float32', 1);
  const gamma = tf.randomNormal([4], 1, 0.1, 'float32', 2);
  const beta = tf.randomNormal([4], 0, 0.1, 'float32', 3);
  const dy = tf.randomNormal([6, 3, 3, 4], 0, 1, 'float32', 4);

  const reference = (input: Tensor, scale: Tensor, offset: Tensor): Tensor => {
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    return tf.batchNorm(input, mean, variance, offset, scale, 1e-3);
  };
  const native = nativeBatchNormTraining(x, gamma, beta, 1e-3);
  assert.ok(maxAbsDiff(native.y, reference(x, gamma, beta)) < 1e-4, 'forward differs');

  const { variance } = tf.moments(x, [0, 1, 2]);
  const n = 6 * 3 * 3;
  assert.ok(maxAbsDiff(native.variance, tf.mul(variance, n / (n - 1))) < 1e-4, 'variance is not the Bessel-corrected batch variance');
  assert.ok(maxAbsDiff(native.mean, tf.mean(x, [0, 1, 2])) < 1e-5, 'mean differs');

  const nativeGrads = tf.grads((a: Tensor, b: Tensor, c: Tensor) => tf.sum(tf.mul(nativeBatchNormTraining(a, b, c, 1e-3).y, dy)))([x, gamma, beta]);
  const referenceGrads = tf.grads((a: Tensor, b: Tensor, c: Tensor) => tf.sum(tf.mul(reference(a, b, c), dy)))([x, gamma, beta]);
  for (const [i, name] of ['x', 'gamma', 'beta'].entries()) {
    assert.ok(maxAbsDiff(nativeGrads[i], referenceGrads[i]) < 1e-3, `gradient of ${name} differs`);
  }
});
