import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Tensor, Variable } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { ResourceVariable } from '../../src/core/native-ops';
import { Adam } from '../../src/training';

const SHAPES: Record<string, number[]> = { kernel: [5, 5, 3, 8], bias: [8] };

function makeVariables(seed: number): Map<string, Variable> {
  return new Map(Object.entries(SHAPES).map(([name, shape], i) => [name, tf.variable(tf.randomNormal(shape, 0, 1, 'float32', seed + i))]));
}

function gradientsAt(step: number): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(SHAPES).map(([name, shape], i) => [name, tf.randomNormal(shape, 0, 1, 'float32', 100 * step + i)]));
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('native Adam kernel matches the tfjs ops', () => {
  const nativeVariables = makeVariables(1);
  const opsVariables = makeVariables(1);
  const nativeAdam = new Adam(nativeVariables, 1e-3, 0.5, 0.999);
  const opsAdam = new Adam(opsVariables, 1e-3, 0.5, 0.999, 1e-7, false);
  const initial = tf.clone(nativeVariables.get('kernel')!);

  for (let step = 1; step <= 30; step += 1) {
    const grads = gradientsAt(step);
    nativeAdam.apply(grads);
    opsAdam.apply(grads);
    tf.dispose(Object.values(grads));
  }

  // 30 updates of size about lr move each weight by up to 0.03; the two must agree to float32 rounding.
  assert.ok(maxAbsDiff(nativeVariables.get('kernel')!, initial) > 1e-3, 'weights did not move');
  for (const name of Object.keys(SHAPES)) {
    assert.ok(maxAbsDiff(nativeVariables.get(name)!, opsVariables.get(name)!) < 1e-6, `weight ${name} differs`);
  }
  const opsSlots = opsAdam.slotVariables();
  for (const [name, slot] of nativeAdam.slotVariables()) {
    assert.ok(maxAbsDiff(slot, opsSlots.get(name)!) < 1e-6, `slot ${name} differs`);
  }
  nativeAdam.dispose();
  opsAdam.dispose();
});

test('native Adam takes values assigned from outside', () => {
  // A checkpoint restore or weight clipping assigns the tfjs variables; the next update must
  // start from those values, in weights and moments alike.
  const nativeVariables = makeVariables(2);
  const opsVariables = makeVariables(2);
  const nativeAdam = new Adam(nativeVariables, 1e-3, 0.5, 0.999);
  const opsAdam = new Adam(opsVariables, 1e-3, 0.5, 0.999, 1e-7, false);
  const both = (fn: (adam: Adam, variables: Map<string, Variable>) => void): void => {
    fn(nativeAdam, nativeVariables);
    fn(opsAdam, opsVariables);
  };

  const first = gradientsAt(1);
  both((adam) => adam.apply(first));
  both((_, variables) => tf.tidy(() => variables.get('kernel')!.assign(tf.clipByValue(variables.get('kernel')!, -0.1, 0.1))));
  both((adam) => tf.tidy(() => adam.slotVariables().get('v/bias')!.assign(tf.fill([8], 0.5))));
  const second = gradientsAt(2);
  both((adam) => adam.apply(second));

  for (const name of Object.keys(SHAPES)) {
    assert.ok(maxAbsDiff(nativeVariables.get(name)!, opsVariables.get(name)!) < 1e-6, `weight ${name} differs`);
  }
  assert.ok(maxAbsDiff(nativeAdam.slotVariables().get('v/bias')!, opsAdam.slotVariables().get('v/bias')!) < 1e-6, 'slot v/bias differs');
  nativeAdam.dispose();
  opsAdam.dispose();
});

test('native Adam leaks no tensors', () => {
  const variables = makeVariables(3);
  const adam = new Adam(variables, 1e-3, 0.5, 0.999);
  const grads = gradientsAt(1);
  adam.apply(grads);
  const before = tf.memory();
  for (let step = 0; step < 20; step += 1) adam.apply(grads);
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  adam.dispose();
});

test('resource variable reads keep their values', () => {
  const resource = new ResourceVariable(tf.tensor1d([1, 2, 3]));
  const first = resource.read();
  resource.assign(tf.tensor1d([4, 5, 6]));
  assert.deepEqual(Array.from(first.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(resource.read().dataSync()), [4, 5, 6]);
  resource.dispose();
  assert.throws(() => resource.read());
});
