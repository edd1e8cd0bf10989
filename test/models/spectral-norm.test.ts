import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../src/core/backend';
import { Conv2d, ParameterStore } from '../../src/models';

/** Largest singular value of a row-major [rows, cols] matrix, by power iteration on AᵀA in float64. */
function largestSingularValue(values: ArrayLike<number>, rows: number, cols: number): number {
  let v = new Float64Array(cols).map((_, i) => 1 + (i % 7) / 7);
  let sigma = 0;
  for (let iteration = 0; iteration < 2000; iteration += 1) {
    const av = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) av[r] += values[r * cols + c] * v[c];
    const atav = new Float64Array(cols);
    for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) atav[c] += values[r * cols + c] * av[r];
    const norm = Math.hypot(...atav);
    sigma = Math.sqrt(norm);
    v = atav.map((x) => x / norm);
  }
  return sigma;
}

test('normalised kernel has top singular value 1', () => {
  const store = new ParameterStore(5);
  const conv = new Conv2d(store, 'conv', 3, 4, 6, 1, { spectralNorm: true, init: { kind: 'normal', mean: 0, stddev: 0.5 } });
  const spectralNorm = conv.spectralNorm!;
  spectralNorm.powerIteration(100);

  const rows = 3 * 3 * 4;
  const raw = largestSingularValue(conv.kernel.dataSync(), rows, 6);
  const sigma = spectralNorm.sigma(conv.kernel).dataSync()[0];
  assert.ok(Math.abs(sigma - raw) / raw < 1e-3, `σ estimate ${sigma}, float64 power method ${raw}`);

  const normalized = spectralNorm.normalize(conv.kernel).dataSync();
  const top = largestSingularValue(normalized, rows, 6);
  assert.ok(Math.abs(top - 1) < 1e-3, `top singular value of W/σ is ${top}`);
  store.dispose();
});

test('power iteration vector is seeded', () => {
  const first = new ParameterStore(9);
  const second = new ParameterStore(9);
  const a = new Conv2d(first, 'conv', 3, 2, 3, 1, { spectralNorm: true });
  const b = new Conv2d(second, 'conv', 3, 2, 3, 1, { spectralNorm: true });
  assert.deepEqual(Array.from(a.spectralNorm!.u.dataSync()), Array.from(b.spectralNorm!.u.dataSync()));
  const norm = tf.norm(a.spectralNorm!.u).dataSync()[0];
  assert.ok(Math.abs(norm - 1) < 1e-5, `‖u‖ = ${norm}`);
  first.dispose();
  second.dispose();
});
