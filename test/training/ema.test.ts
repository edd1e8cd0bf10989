import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { ParameterStore } from '../../src/models';
import { WeightAverage } from '../../src/training';

test('EMA warms up then uses decay', () => {
  const store = new ParameterStore(1);
  const weight = store.weight('w', [1], { kind: 'zeros' });
  const average = new WeightAverage(store, 0.9);

  weight.assign(tf.tensor1d([1]));
  average.update(1);
  // d = min(0.9, 2/11): the average moves 9/11 of the way to the live weight.
  assert.ok(Math.abs(average.weights.get('w')!.dataSync()[0] - 9 / 11) < 1e-6);

  average.update(1000);
  // d = 0.9 from here on.
  const expected = 0.9 * (9 / 11) + 0.1;
  assert.ok(Math.abs(average.weights.get('w')!.dataSync()[0] - expected) < 1e-6);
  average.dispose();
  store.dispose();
});
