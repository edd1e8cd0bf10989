import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { seededDropout, seededUniform } from '../../src/models';

test('seeded uniform repeats per seed', () => {
  const a = seededUniform([1000], 17).dataSync();
  const b = seededUniform([1000], 17).dataSync();
  const c = seededUniform([1000], 18).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  assert.ok(a.every((x) => x >= 0 && x < 1), 'value outside [0, 1)');
  const mean = Array.from(a).reduce((sum, x) => sum + x, 0) / a.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('seeded dropout drops the rate and rescales', () => {
  const y = tf.tidy(() => seededDropout(tf.ones([20000]), 0.3, 5)).dataSync();
  const dropped = y.filter((x) => x === 0).length / y.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped fraction ${dropped}`);
  const kept = y.filter((x) => x !== 0);
  assert.ok(kept.every((x) => Math.abs(x - 1 / 0.7) < 1e-6), 'kept values are not scaled by 1 / 0.7');
  const gradient = tf.grad((x) => tf.sum(seededDropout(x, 0.3, 5)))(tf.ones([20000])).dataSync();
  assert.deepEqual(Array.from(gradient), Array.from(y));
});
