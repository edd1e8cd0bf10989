import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  computeMetrics, densityCoverage, frechetDistance, frechetDistanceFromStatistics, inceptionScore,
  AUTO_FLOAT64_MAX_MULTIPLY_ADDS, kernelInceptionDistance, memorisation, parseMetricNames, precisionRecall, resolveArithmetic,
} from '../../src/metrics';
import { catchSynganError, gaussianMatrix } from './helpers';

const real = gaussianMatrix(20, 4, 1);
const fake = gaussianMatrix(20, 4, 2);

test('mismatched feature dimensions', () => {
  const wide = gaussianMatrix(20, 5, 3);
  for (const run of [
    () => frechetDistance(real, wide),
    () => kernelInceptionDistance(real, wide, { subsets: 2, subsetSize: 10 }),
    () => precisionRecall(real, wide),
    () => densityCoverage(real, wide),
    () => computeMetrics(real, wide),
    () => memorisation(real, fake, wide),
  ]) {
    const error = catchSynganError(run);
    assert.match(error.message, /dimensions differ/);
    assert.match(error.message, /4/);
    assert.match(error.message, /5/);
  }
});

test('fewer samples than k', () => {
  const three = gaussianMatrix(3, 4, 4);
  assert.match(catchSynganError(() => precisionRecall(real, three, 3)).message, /fake features have 3 samples.*at least 4/);
  assert.match(catchSynganError(() => densityCoverage(three, fake, 5)).message, /real features have 3 samples.*at least 6/);
  assert.match(catchSynganError(() => precisionRecall(real, fake, 0)).message, /invalid k/);
});

test('fewer samples than the KID subset size', () => {
  const error = catchSynganError(() => kernelInceptionDistance(real, fake));
  assert.match(error.message, /subset size 1000 is larger than the 20 real \/ 20 fake samples/);
  assert.match(error.hint ?? '', /at most 20/);
  assert.match(catchSynganError(() => computeMetrics(real, fake, { metrics: ['kid'] })).message, /subset size 1000/);
});

test('invalid KID subset indices', () => {
  const outOfRange = { real: [[0, 1, 25]], fake: [[0, 1, 2]] };
  assert.match(catchSynganError(() => kernelInceptionDistance(real, fake, { indices: outOfRange })).message, /real row index 25 is out of range/);
  const repeated = { real: [[0, 1, 2]], fake: [[4, 4, 2]] };
  assert.match(catchSynganError(() => kernelInceptionDistance(real, fake, { indices: repeated })).message, /fake row 4 appears twice/);
});

test('NaN and infinite features name the matrix and row', () => {
  const withNaN = gaussianMatrix(20, 4, 5);
  withNaN.data[2 * 4 + 1] = Number.NaN;
  const error = catchSynganError(() => frechetDistance(real, withNaN));
  assert.match(error.message, /fake features: row 2, column 1 is NaN/);
  const withInfinity = gaussianMatrix(20, 4, 6);
  withInfinity.data[7 * 4] = Number.POSITIVE_INFINITY;
  assert.match(catchSynganError(() => precisionRecall(withInfinity, fake)).message, /real features: row 7, column 0 is Infinity/);
  assert.match(catchSynganError(() => computeMetrics(real, withNaN)).message, /fake features: row 2/);
});

test('empty matrix', () => {
  const empty = { rows: 0, cols: 4, data: new Float64Array(0) };
  assert.match(catchSynganError(() => frechetDistance(empty, fake)).message, /real features: the matrix is empty/);
  assert.match(catchSynganError(() => kernelInceptionDistance(real, empty)).message, /fake features: the matrix is empty/);
});

test('inconsistent matrix size', () => {
  const short = { rows: 20, cols: 4, data: new Float64Array(79) };
  assert.match(catchSynganError(() => frechetDistance(real, short)).message, /79 values but shape \[20, 4\] needs 80/);
});

test('unknown metric name', () => {
  const error = catchSynganError(() => parseMetricNames(['fid', 'fdi']));
  assert.match(error.message, /unknown metric "fdi"/);
  assert.match(error.hint ?? '', /fid, kid, prdc/);
  assert.match(catchSynganError(() => computeMetrics(real, fake, { metrics: ['is'] })).message, /unknown metric "is"/);
  assert.match(catchSynganError(() => parseMetricNames([' ', ','])).message, /no metric requested/);
});

test('metric names as comma lists', () => {
  assert.deepEqual(parseMetricNames(['fid,KID', 'fid', ' prdc ']), ['fid', 'kid', 'prdc']);
});

test('FID with one sample', () => {
  const one = gaussianMatrix(1, 4, 7);
  assert.match(catchSynganError(() => frechetDistance(one, fake)).message, /at least 2 samples/);
});

test('FID that stays infinite', () => {
  const huge = { count: 10, dims: 2, mean: new Float64Array(2), covariance: Float64Array.from([Infinity, 0, 0, 1]) };
  const normal = { count: 10, dims: 2, mean: new Float64Array(2), covariance: Float64Array.from([1, 0, 0, 1]) };
  assert.match(catchSynganError(() => frechetDistanceFromStatistics(huge, normal)).message, /not finite/);
});

test('invalid class probabilities', () => {
  const logits = { rows: 10, cols: 2, data: Float64Array.from({ length: 20 }, (_, i) => (i % 2 ? 2.5 : -1)) };
  assert.match(catchSynganError(() => inceptionScore(logits)).message, /row 0, class 0 is -1, outside \[0, 1\]/);
  const unnormalised = { rows: 10, cols: 2, data: new Float64Array(20).fill(0.3) };
  assert.match(catchSynganError(() => inceptionScore(unnormalised)).message, /row 0 sums to 0\.6/);
  const few = { rows: 5, cols: 2, data: new Float64Array(10).fill(0.5) };
  assert.match(catchSynganError(() => inceptionScore(few)).message, /5 samples cannot fill 10 splits/);
});

test('invalid memorisation options', () => {
  assert.match(catchSynganError(() => memorisation(real, fake, fake, { nearCopyQuantile: 1.5 })).message, /near-copy quantile 1\.5/);
});

test('arithmetic resolution', () => {
  assert.equal(resolveArithmetic('auto', AUTO_FLOAT64_MAX_MULTIPLY_ADDS), 'float64');
  assert.equal(resolveArithmetic(undefined, AUTO_FLOAT64_MAX_MULTIPLY_ADDS * 2), 'float32');
  assert.equal(resolveArithmetic('float64', 1e15), 'float64');
  assert.equal(resolveArithmetic('float32', 1), 'float32');
  assert.match(catchSynganError(() => resolveArithmetic('double' as never, 1)).message, /invalid arithmetic "double"/);
});

test('FID keeps float64 when n is at most dims', () => {
  const narrow = gaussianMatrix(30, 40, 8);
  const other = gaussianMatrix(30, 40, 9);
  assert.equal(frechetDistance(narrow, other).arithmetic, 'float64');
});
