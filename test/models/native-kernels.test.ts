import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { leakyRelu, matMul } from '../../src/models';
import { registerComparisonGradients } from '../../src/training';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('kernels run on the native backend', () => {
  assert.equal(tf.getBackend(), 'tensorflow');
});

test('leakyRelu matches tfjs with its gradient', () => {
  const x = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 1);
  const dy = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 2);
  assert.equal(maxAbsDiff(leakyRelu(x, 0.2), tf.leakyRelu(x, 0.2)), 0);

  const nativeGrad = tf.grad((input: Tensor) => tf.sum(tf.mul(leakyRelu(input, 0.2), dy)))(x);
  const referenceGrad = tf.grad((input: Tensor) => tf.sum(tf.mul(tf.leakyRelu(input, 0.2), dy)))(x);
  assert.equal(maxAbsDiff(nativeGrad, referenceGrad), 0);
  // The gradient is dy where x > 0 and 0.2 · dy elsewhere, checked element by element.
  const expected = tf.where(tf.greater(x, 0), dy, tf.mul(dy, 0.2));
  assert.equal(maxAbsDiff(nativeGrad, expected), 0);
});

test('leakyRelu second derivative matches tfjs', () => {
  // A gradient-penalty shape: the norm of the input gradient of a small critic, differentiated
  // with respect to the critic's weight.
  registerComparisonGradients();
  const x = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
  const w = tf.randomNormal([4, 4], 0, 1, 'float32', 4);
  const v = tf.randomNormal([4, 1], 0, 1, 'float32', 5);
  const penalty = (activation: (t: Tensor) => Tensor) => (weight: Tensor): Tensor => {
    const critic = (input: Tensor): Tensor => tf.sum(tf.matMul(activation(tf.matMul(input, weight as Tensor2D)) as Tensor2D, v));
    const inputGrad = tf.grad(critic)(x);
    return tf.sum(tf.square(inputGrad));
  };
  const nativeGrad = tf.grad(penalty((t) => leakyRelu(t, 0.2)))(w);
  const referenceGrad = tf.grad(penalty((t) => tf.leakyRelu(t, 0.2)))(w);
  assert.ok(tf.tidy(() => tf.max(tf.abs(referenceGrad)).dataSync()[0]) > 0.1, 'reference second derivative is zero, the check is void');
  assert.ok(maxAbsDiff(nativeGrad, referenceGrad) < 1e-5, 'second derivative differs');
});

test('matMul matches tfjs for every transpose', () => {
  const a = tf.randomNormal([3, 5], 0, 1, 'float32', 6) as Tensor2D;
  const b = tf.randomNormal([5, 4], 0, 1, 'float32', 7) as Tensor2D;
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const left = (transposeA ? tf.transpose(a) : a) as Tensor2D;
      const right = (transposeB ? tf.transpose(b) : b) as Tensor2D;
      const label = `transposeA=${transposeA} transposeB=${transposeB}`;
      const dy = tf.randomNormal([3, 4], 0, 1, 'float32', 8);
      assert.ok(maxAbsDiff(matMul(left, right, transposeA, transposeB), tf.matMul(a, b)) < 1e-5, `${label}: product differs`);

      const nativeGrads = tf.grads((l: Tensor, r: Tensor) => tf.sum(tf.mul(matMul(l as Tensor2D, r as Tensor2D, transposeA, transposeB), dy)))([left, right]);
      const referenceGrads = tf.grads((l: Tensor, r: Tensor) => tf.sum(tf.mul(tf.matMul(l as Tensor2D, r as Tensor2D, transposeA, transposeB), dy)))([left, right]);
      assert.ok(maxAbsDiff(nativeGrads[0], referenceGrads[0]) < 1e-5, `${label}: gradient of a differs`);
      assert.ok(maxAbsDiff(nativeGrads[1], referenceGrads[1]) < 1e-5, `${label}: gradient of b differs`);
    }
  }
});

test('matMul kernel gradient leaves no tensors', () => {
  const z = tf.randomNormal([2, 3], 0, 1, 'float32', 9) as Tensor2D;
  const kernel = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 10));
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => tf.sum(matMul(z, kernel as unknown as Tensor2D)), [kernel]);
  // Only the kernel's gradient exists: sum over rows of z, repeated for each output unit.
  assert.deepEqual(Object.keys(grads), [kernel.name]);
  const expected = tf.tidy(() => tf.tile(tf.reshape(tf.sum(z, 0), [3, 1]), [1, 4]));
  assert.ok(maxAbsDiff(grads[kernel.name], expected) < 1e-6);
  tf.dispose([value, expected, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before, 'tensors left behind by the gradient');
});
