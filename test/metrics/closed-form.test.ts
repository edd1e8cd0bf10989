import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Matrix, EigenvalueDecomposition } from 'ml-matrix';

import { Random } from '../../src/core/random';
import {
  type GaussianStatistics, densityCoverage, drawKidSubsets, frechetDistance, frechetDistanceFromStatistics,
  inceptionScore, kernelInceptionDistance, precisionRecall, toFloat64,
} from '../../src/metrics';
import { pivotedCholesky, tridiagonalEigenvalues, tridiagonalize } from '../../src/metrics/linalg';
import { assertRelative, gaussianMatrix } from './helpers';

function statistics(mean: number[], covariance: number[][]): GaussianStatistics {
  return { count: 1000, dims: mean.length, mean: Float64Array.from(mean), covariance: Float64Array.from(covariance.flat()) };
}

function diagonal(values: number[]): number[][] {
  return values.map((value, i) => values.map((_, j) => (i === j ? value : 0)));
}

test('FID of identical sets is 0', () => {
  const features = gaussianMatrix(400, 12, 1, (col) => 1 + col);
  const result = frechetDistance(features, features, { arithmetic: 'float64' });
  assert.ok(Math.abs(result.fid) <= 1e-9 * 12 * 144, `FID ${result.fid}`);
  assert.equal(result.meanTerm, 0);
});

test('FID of a mean shift is its squared norm', () => {
  const real = gaussianMatrix(500, 8, 2);
  const shift = [0.5, -1, 2, 0, 0.25, 3, -0.75, 1];
  const fake = { ...real, data: toFloat64(real).map((value, i) => value + shift[i % 8]) };
  const result = frechetDistance(real, fake, { arithmetic: 'float64' });
  const squaredNorm = shift.reduce((sum, value) => sum + value * value, 0);
  assertRelative(result.fid, squaredNorm, 1e-9, 'FID');
});

test('FID of diagonal covariances in closed form', () => {
  const sigma1 = [1, 2, 0.5, 3];
  const sigma2 = [1.5, 1, 0.5, 0.1];
  const mu1 = [0, 1, 2, 3];
  const mu2 = [1, 1, 0, 3];
  const result = frechetDistanceFromStatistics(
    statistics(mu1, diagonal(sigma1.map((s) => s * s))), statistics(mu2, diagonal(sigma2.map((s) => s * s))));
  const expected = sigma1.reduce((sum, s, i) => sum + (s - sigma2[i]) ** 2, 0) + mu1.reduce((sum, m, i) => sum + (m - mu2[i]) ** 2, 0);
  assertRelative(result.fid, expected, 1e-12, 'FID');
});

test('FID with a singular covariance in closed form', () => {
  const sigma1 = [2, 0, 1, 0];
  const sigma2 = [1, 3, 0, 0];
  const result = frechetDistanceFromStatistics(
    statistics([0, 0, 0, 0], diagonal(sigma1.map((s) => s * s))), statistics([0, 0, 0, 0], diagonal(sigma2.map((s) => s * s))));
  assertRelative(result.fid, 1 + 9 + 1, 1e-12, 'FID');
  assert.equal(result.offsetAdded, 0);
  assert.equal(result.imaginaryPart, undefined);
});

test('FID of constant features', () => {
  const ones = { rows: 50, cols: 6, data: new Float64Array(300).fill(1) };
  const twos = { rows: 40, cols: 6, data: new Float64Array(240).fill(2) };
  const result = frechetDistance(ones, twos);
  assert.equal(result.fid, 6);
  assert.equal(result.traceTerm, 0);
});

test('FID of non-commuting 2 × 2 covariances', () => {
  // For 2 × 2 matrices with non-negative eigenvalues, tr √M = √(tr M + 2 √det M).
  const s1 = [[2, 0.6], [0.6, 1]];
  const s2 = [[1, -0.3], [-0.3, 0.5]];
  const product = [
    [s1[0][0] * s2[0][0] + s1[0][1] * s2[1][0], s1[0][0] * s2[0][1] + s1[0][1] * s2[1][1]],
    [s1[1][0] * s2[0][0] + s1[1][1] * s2[1][0], s1[1][0] * s2[0][1] + s1[1][1] * s2[1][1]],
  ];
  const det = (m: number[][]): number => m[0][0] * m[1][1] - m[0][1] * m[1][0];
  const traceSqrt = Math.sqrt(product[0][0] + product[1][1] + 2 * Math.sqrt(det(s1) * det(s2)));
  const expected = s1[0][0] + s1[1][1] + s2[0][0] + s2[1][1] - 2 * traceSqrt + 0.25;
  const result = frechetDistanceFromStatistics(statistics([0, 0], s1), statistics([0.5, 0], s2));
  assertRelative(result.fid, expected, 1e-12, 'FID');
});

test('FID float32 arithmetic matches float64', () => {
  const real = gaussianMatrix(3000, 48, 3);
  const fake = gaussianMatrix(3000, 48, 4, (col) => 1 + 0.01 * col, (col) => 0.02 * col);
  const exact = frechetDistance(real, fake, { arithmetic: 'float64' });
  const fast = frechetDistance(real, fake, { arithmetic: 'float32' });
  assertRelative(fast.fid, exact.fid, 1e-4, 'FID float32');
});

test('eigenvalues match ml-matrix on random symmetric matrices', () => {
  const random = new Random(5);
  for (const n of [1, 2, 3, 17, 60]) {
    const values = new Float64Array(n * n);
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j <= i; j += 1) {
        const value = random.next() * 2 - 1;
        values[i * n + j] = value;
        values[j * n + i] = value;
      }
    }
    const reference = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * n, i * n + n)))),
      { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
    const { diagonal: d, offDiagonal: e } = tridiagonalize(Float64Array.from(values), n);
    const eigenvalues = tridiagonalEigenvalues(d, e);
    for (let i = 0; i < n; i += 1) {
      assert.ok(Math.abs(eigenvalues[i] - reference[i]) <= 1e-12 * n, `n = ${n}, eigenvalue ${i}: ${eigenvalues[i]} vs ${reference[i]}`);
    }
  }
});

test('pivoted Cholesky reconstructs a rank-deficient matrix', () => {
  // S = A Aᵀ with A 6 × 3, so S has rank 3.
  const random = new Random(6);
  const a = Array.from({ length: 6 }, () => Array.from({ length: 3 }, () => random.next() - 0.5));
  const s = new Float64Array(36);
  for (let i = 0; i < 6; i += 1) for (let j = 0; j < 6; j += 1) s[i * 6 + j] = a[i].reduce((sum, v, k) => sum + v * a[j][k], 0);
  const { lt, rank, perm } = pivotedCholesky(s, 6, 1e-12);
  assert.equal(rank, 3);
  for (let i = 0; i < 6; i += 1) {
    for (let j = 0; j < 6; j += 1) {
      let value = 0;
      for (let c = 0; c < rank; c += 1) value += lt[c * 6 + i] * lt[c * 6 + j];
      assert.ok(Math.abs(value - s[perm[i] * 6 + perm[j]]) <= 1e-14, `entry (${i}, ${j})`);
    }
  }
});

/** Unbiased MMD² with the cubic kernel, straight from the definition. */
function directMmd(x: number[][], y: number[][]): number {
  const dims = x[0].length;
  const kernel = (a: number[], b: number[]): number => (a.reduce((sum, v, k) => sum + v * b[k], 0) / dims + 1) ** 3;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.length; i += 1) for (let j = 0; j < x.length; j += 1) if (i !== j) xx += kernel(x[i], x[j]);
  for (let i = 0; i < y.length; i += 1) for (let j = 0; j < y.length; j += 1) if (i !== j) yy += kernel(y[i], y[j]);
  for (const a of x) for (const b of y) xy += kernel(a, b);
  const m = x.length;
  const n = y.length;
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

test('KID matches the MMD definition', () => {
  const real = gaussianMatrix(60, 5, 7);
  const fake = gaussianMatrix(50, 5, 8, () => 1.3, () => 0.2);
  const rows = (matrix: typeof real, indices: number[]): number[][] =>
    indices.map((i) => Array.from(toFloat64(matrix).subarray(i * 5, i * 5 + 5)));
  const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const result = kernelInceptionDistance(real, fake, { subsets: 4, subsetSize: 20, seed: 11, arithmetic: 'float64' });
  assertRelative(result.full, directMmd(rows(real, all(60)), rows(fake, all(50))), 1e-12, 'KID over all rows');

  const random = new Random('11/kid-subsets');
  const realSubsets = drawKidSubsets(60, 4, 20, random);
  const fakeSubsets = drawKidSubsets(50, 4, 20, random);
  const perSubset = realSubsets.map((subset, s) => directMmd(rows(real, subset), rows(fake, fakeSubsets[s])));
  const mean = perSubset.reduce((a, b) => a + b, 0) / 4;
  const std = Math.sqrt(perSubset.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
  assertRelative(result.mean, mean, 1e-12, 'KID mean');
  assertRelative(result.std, std, 1e-12, 'KID std');
});

test('KID subsets follow the seed', () => {
  const real = gaussianMatrix(80, 4, 9);
  const fake = gaussianMatrix(80, 4, 10, () => 1.2);
  const first = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 30, seed: 1 });
  const again = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 30, seed: 1 });
  const other = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 30, seed: 2 });
  assert.deepEqual(again.perSubset, first.perSubset);
  assert.notDeepEqual(other.perSubset, first.perSubset);
  assert.equal(other.full, first.full);
});

test('IS of one-hot uniform rows is the class count', () => {
  const classes = 7;
  const rows = 700;
  const data = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i += 1) data[i * classes + (i % classes)] = 1;
  const result = inceptionScore({ rows, cols: classes, data });
  assertRelative(result.mean, classes, 1e-12, 'IS mean');
  assertRelative(result.singleSplit, classes, 1e-12, 'IS single split');
  assert.ok(result.std <= 1e-12, `IS std ${result.std}`);
});

test('IS of a constant distribution is 1', () => {
  const rows = 100;
  const row = [0.1, 0.2, 0.3, 0.4];
  const result = inceptionScore({ rows, cols: 4, data: Float64Array.from({ length: rows * 4 }, (_, i) => row[i % 4]) });
  assertRelative(result.mean, 1, 1e-14, 'IS mean');
  assertRelative(result.singleSplit, 1, 1e-14, 'IS single split');
  assert.ok(result.std <= 1e-14, `IS std ${result.std}`);
});

test('precision and recall of identical sets are 1', () => {
  const features = gaussianMatrix(300, 6, 12);
  for (const arithmetic of ['float64', 'float32'] as const) {
    const pr = precisionRecall(features, features, 3, { arithmetic });
    assert.equal(pr.precision, 1, `precision in ${arithmetic}`);
    assert.equal(pr.recall, 1, `recall in ${arithmetic}`);
    const dc = densityCoverage(features, features, 5, { arithmetic });
    assert.equal(dc.coverage, 1, `coverage in ${arithmetic}`);
  }
});

test('precision and recall of disjoint sets are 0', () => {
  const real = gaussianMatrix(200, 3, 13);
  const fake = gaussianMatrix(200, 3, 14, () => 1, () => 100);
  const pr = precisionRecall(real, fake);
  const dc = densityCoverage(real, fake);
  assert.equal(pr.precision, 0);
  assert.equal(pr.recall, 0);
  assert.equal(dc.density, 0);
  assert.equal(dc.coverage, 0);
});
