import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Tensor } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { gradientPenalty, penaltyAt, registerComparisonGradients } from '../../src/training';

test('penalty of linear critic is 160', () => {
  const weights = tf.variable(tf.tensor2d([[3], [4]]));
  const inputs = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
  const critic = (x: Tensor): Tensor => tf.reshape(tf.matMul(x, weights), [-1]);

  const penalty = penaltyAt(critic, inputs, 10).dataSync()[0];
  assert.ok(Math.abs(penalty - 160) < 1e-3, `penalty ${penalty}, expected λ(5 − 1)² = 160`);

  // d/dw λ(‖w‖ − 1)² = 2λ(‖w‖ − 1) w/‖w‖ = 2·10·4·[3, 4]/5 = [48, 64].
  const { grads } = tf.variableGrads(() => penaltyAt(critic, inputs, 10), [weights]);
  const gradient = grads[weights.name].dataSync();
  assert.ok(Math.abs(gradient[0] - 48) < 1e-3, `gradient[0] ${gradient[0]}, expected 48`);
  assert.ok(Math.abs(gradient[1] - 64) < 1e-3, `gradient[1] ${gradient[1]}, expected 64`);
});

test('penalty gradient matches finite differences', () => {
  registerComparisonGradients();
  const w1 = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 11));
  const w2 = tf.variable(tf.randomNormal([4, 1], 0, 1, 'float32', 12));
  const inputs = tf.randomNormal([6, 3], 0, 1, 'float32', 13);
  const critic = (x: Tensor): Tensor => tf.reshape(tf.matMul(tf.leakyRelu(tf.matMul(x, w1), 0.2), w2), [-1]);
  const penaltyValue = (): number => tf.tidy(() => penaltyAt(critic, inputs, 10).dataSync()[0]);

  const { grads } = tf.variableGrads(() => penaltyAt(critic, inputs, 10), [w1, w2]);
  const h = 1e-2;
  for (const variable of [w1, w2]) {
    const analytic = grads[variable.name].dataSync();
    const values = variable.dataSync().slice();
    for (let i = 0; i < values.length; i += 1) {
      const shifted = (delta: number): number => {
        const copy = values.slice();
        copy[i] += delta;
        variable.assign(tf.tensor(copy, variable.shape));
        return penaltyValue();
      };
      const numeric = (shifted(h) - shifted(-h)) / (2 * h);
      variable.assign(tf.tensor(values, variable.shape));
      const tolerance = 2e-2 + 2e-2 * Math.abs(analytic[i]);
      assert.ok(Math.abs(numeric - analytic[i]) <= tolerance, `entry ${i}: finite difference ${numeric}, analytic ${analytic[i]}`);
    }
  }
});

test('penalty through a conv critic is differentiable', () => {
  registerComparisonGradients();
  const kernel = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 0.5, 'float32', 21));
  const critic = (x: Tensor): Tensor => tf.sum(tf.leakyRelu(tf.conv2d(x as never, kernel as never, 2, 'same'), 0.2), [1, 2, 3]);
  const real = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 22);
  const fake = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 23);
  const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, real as never, fake as never, 10, 5), [kernel]);
  assert.ok(Number.isFinite(value.dataSync()[0]));
  const gradient = grads[kernel.name].dataSync();
  assert.ok(gradient.every(Number.isFinite), 'gradient has non-finite entries');
  assert.ok(gradient.some((g) => g !== 0), 'gradient is all zeros');
});
