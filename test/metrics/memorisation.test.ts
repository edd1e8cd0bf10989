import assert from 'node:assert/strict';
import { test } from 'node:test';

import { memorisation, quantileOfSorted, toFloat64 } from '../../src/metrics';
import { gaussianMatrix } from './helpers';

test('memorisation finds copied training samples', () => {
  const train = gaussianMatrix(300, 8, 1);
  const test_ = gaussianMatrix(200, 8, 2);
  const fake = gaussianMatrix(100, 8, 3);
  const trainData = toFloat64(train);
  const copies = [[5, 17], [40, 250], [77, 3]];
  for (const [fakeRow, trainRow] of copies) {
    for (let k = 0; k < 8; k += 1) fake.data[fakeRow * 8 + k] = trainData[trainRow * 8 + k] + (k === 0 ? 1e-6 : 0);
  }
  for (const arithmetic of ['float64', 'float32'] as const) {
    const result = memorisation(train, fake, test_, { closestPairs: 3, arithmetic });
    assert.deepEqual(result.closestPairs.map((pair) => pair.fakeIndex).sort((a, b) => a - b), [5, 40, 77], arithmetic);
    for (const pair of result.closestPairs) {
      const trainRow = copies.find(([fakeRow]) => fakeRow === pair.fakeIndex)![1];
      assert.equal(pair.trainIndex, trainRow, `${arithmetic}: nearest train row of fake ${pair.fakeIndex}`);
      assert.ok(Math.abs(pair.distance - 1e-6) <= 1e-12, `${arithmetic}: distance ${pair.distance}`);
    }
    assert.ok(result.nearCopyCount >= 3, `${arithmetic}: near-copies ${result.nearCopyCount}`);
    assert.equal(result.nearCopyFraction, result.nearCopyCount / 100);
    assert.ok(result.fakeSummary.min <= 1e-6 + 1e-12);
  }
});

test('memorisation distances match a direct search', () => {
  const train = gaussianMatrix(120, 5, 4);
  const queries = gaussianMatrix(40, 5, 5);
  const t = toFloat64(train);
  const q = toFloat64(queries);
  const result = memorisation(train, queries, queries, { arithmetic: 'float64' });
  for (let i = 0; i < 40; i += 1) {
    let best = Infinity;
    let bestIndex = -1;
    for (let j = 0; j < 120; j += 1) {
      let sum = 0;
      for (let k = 0; k < 5; k += 1) sum += (q[i * 5 + k] - t[j * 5 + k]) ** 2;
      if (sum < best) {
        best = sum;
        bestIndex = j;
      }
    }
    assert.equal(result.fakeToTrain.trainIndices[i], bestIndex, `row ${i}`);
    assert.equal(result.fakeToTrain.distances[i], Math.sqrt(best), `row ${i}`);
  }
  // The same queries as fake and test samples: the threshold is their 1% quantile.
  const sorted = Float64Array.from(result.testToTrain.distances).sort();
  assert.equal(result.nearCopyThreshold, quantileOfSorted(sorted, 0.01));
  assert.equal(result.medianRatio, 1);
});

test('quantile interpolates linearly', () => {
  const sorted = Float64Array.from([0, 10, 20, 30]);
  assert.equal(quantileOfSorted(sorted, 0), 0);
  assert.equal(quantileOfSorted(sorted, 0.5), 15);
  assert.equal(quantileOfSorted(sorted, 1), 30);
  assert.ok(Math.abs(quantileOfSorted(sorted, 0.1) - 3) <= 1e-12);
});
