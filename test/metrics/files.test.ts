import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { writeNpy } from '../../src/data/npy';
import { isFeatureMatrixFile, readFeatureMatrix, runMetricsCommand } from '../../src/metrics';
import { catchSynganError, gaussianMatrix, goldenDir, goldenExpected, goldenSkip, makeTempDir } from './helpers';

const dir = makeTempDir('metrics-files');

test('readFeatureMatrix reads float32 and float64 NPY', () => {
  const matrix = gaussianMatrix(5, 3, 1);
  writeNpy(path.join(dir, 'f64.npy'), { shape: [5, 3], dtype: '<f8', data: matrix.data });
  writeNpy(path.join(dir, 'f32.npy'), { shape: [5, 3], dtype: '<f4', data: Float32Array.from(matrix.data) });
  const f64 = readFeatureMatrix(path.join(dir, 'f64.npy'));
  const f32 = readFeatureMatrix(path.join(dir, 'f32.npy'));
  assert.deepEqual([f64.rows, f64.cols], [5, 3]);
  assert.ok(f64.data instanceof Float64Array);
  assert.deepEqual(Array.from(f64.data), Array.from(matrix.data));
  assert.ok(f32.data instanceof Float32Array);
  assert.deepEqual(Array.from(f32.data), Array.from(Float32Array.from(matrix.data)));
});

test('readFeatureMatrix reads JSON', () => {
  const file = path.join(dir, 'features.json');
  fs.writeFileSync(file, JSON.stringify({ shape: [2, 2], data: [1, 2, 3, 4.5] }));
  const matrix = readFeatureMatrix(file);
  assert.deepEqual([matrix.rows, matrix.cols], [2, 2]);
  assert.deepEqual(Array.from(matrix.data), [1, 2, 3, 4.5]);
});

test('readFeatureMatrix rejects bad files', () => {
  writeNpy(path.join(dir, 'images.npy'), { shape: [2, 2, 2], dtype: '|u1', data: new Uint8Array(8) });
  writeNpy(path.join(dir, 'ints.npy'), { shape: [2, 2], dtype: '<i4', data: new Int32Array(4) });
  fs.writeFileSync(path.join(dir, 'short.json'), JSON.stringify({ shape: [2, 2], data: [1, 2, 3] }));
  fs.writeFileSync(path.join(dir, 'text.json'), JSON.stringify({ shape: [1, 2], data: [1, 'x'] }));
  fs.writeFileSync(path.join(dir, 'shape.json'), JSON.stringify({ shape: [4], data: [1, 2, 3, 4] }));
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'images.npy'))).message, /shape \(2, 2, 2\).*2-d/);
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'ints.npy'))).message, /dtype <i4 is not a float type/);
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'short.json'))).message, /3 values but "shape" \[2, 2\] needs 4/);
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'text.json'))).message, /row 0, column 1 is "x"/);
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'shape.json'))).message, /"shape" must be \[rows, cols\]/);
  assert.match(catchSynganError(() => readFeatureMatrix(path.join(dir, 'missing.npy'))).message, /file not found/);
  assert.equal(isFeatureMatrixFile(path.join(dir, 'images.npy')), false);
  assert.equal(isFeatureMatrixFile(path.join(dir, 'f32.npy')), true);
});

test('metrics command prints the JSON record', { skip: goldenSkip }, async () => {
  const expected = goldenExpected();
  const { record, text } = await runMetricsCommand({
    real: path.join(goldenDir, 'features', 'c_generic_real.json'),
    fake: path.join(goldenDir, 'features', 'c_generic_fake.json'),
    metrics: ['fid', 'prdc'],
    json: true,
  });
  const printed = JSON.parse(text) as Record<string, number>;
  assert.deepEqual(printed, record);
  assert.ok(Math.abs(printed.fid - expected.fid.c_generic.expected) <= 1e-9 * expected.fid.c_generic.expected);
  assert.equal(printed.precision, expected.prdc.c_generic.precision_k3.value);
  assert.equal(printed.coverage, expected.prdc.c_generic.coverage_k5.value);
  assert.equal(printed.n_real, 2000);
  assert.equal(printed.kid_mean, undefined);
});

test('metrics command with probabilities', { skip: goldenSkip }, async () => {
  const expected = goldenExpected().inception_score.uniform_confident;
  const { record, text } = await runMetricsCommand({ probabilities: path.join(goldenDir, 'inception_probs', 'uniform_confident.json') });
  assert.ok(Math.abs((record.is_mean as number) - expected.mean) <= 1e-12 * expected.mean);
  assert.ok(Math.abs((record.is_std as number) - expected.std) <= 1e-12 * expected.std);
  assert.ok(Math.abs((record.is_single_split as number) - expected.single_split) <= 1e-12 * expected.single_split);
  assert.match(text, /^IS\s+9\.3179 ± 0\.1610 \(10 splits of 1000 samples/);
});

test('metrics command table and KID settings', async () => {
  const real = gaussianMatrix(60, 4, 2);
  const fake = gaussianMatrix(60, 4, 3, () => 1.5);
  writeNpy(path.join(dir, 'real.npy'), { shape: [60, 4], dtype: '<f4', data: Float32Array.from(real.data) });
  writeNpy(path.join(dir, 'fake.npy'), { shape: [60, 4], dtype: '<f4', data: Float32Array.from(fake.data) });
  const { record, text } = await runMetricsCommand({
    real: path.join(dir, 'real.npy'), fake: path.join(dir, 'fake.npy'), kidSubsets: 3, kidSubsetSize: 50, seed: 4,
  });
  assert.equal(record.kid_subsets, 3);
  assert.equal(record.kid_subset_size, 50);
  assert.equal(record.seed, 4);
  for (const key of ['fid', 'kid_mean', 'kid_std', 'kid_full', 'precision', 'recall', 'density', 'coverage']) {
    assert.equal(typeof record[key], 'number', key);
  }
  assert.match(text, /^samples +60 real, 60 fake, 4 features$/m);
  assert.match(text, /^FID +\d+\.\d{4}$/m);
  assert.match(text, /^KID .*\(3 subsets of 50; all rows/m);
});

test('metrics command rejects datasets without an extractor', async () => {
  const images = path.join(dir, 'images');
  fs.mkdirSync(images, { recursive: true });
  await assert.rejects(runMetricsCommand({ real: images, fake: images }), /real path .* is not a feature matrix/);
  await assert.rejects(runMetricsCommand({ real: path.join(dir, 'none.npy'), fake: images }), /real path not found/);
  await assert.rejects(runMetricsCommand({ real: images }), /missing --fake/);
  await assert.rejects(runMetricsCommand({}), /nothing to measure/);
  await assert.rejects(runMetricsCommand({ real: images, fake: images, metrics: ['fid', 'pr'] }), /unknown metric "pr"/);
});

test('metrics command extracts dataset features through the hook', async () => {
  const images = path.join(dir, 'images-hook');
  fs.mkdirSync(images, { recursive: true });
  const seen: string[] = [];
  const { record } = await runMetricsCommand({
    real: images,
    fake: path.join(dir, 'real.npy'),
    metrics: ['fid'],
    extractor: 'test-extractor',
    extractFeatures: async (file) => {
      seen.push(file);
      return gaussianMatrix(60, 4, 9);
    },
  });
  assert.deepEqual(seen, [images]);
  assert.equal(record.extractor, 'test-extractor');
  assert.equal(typeof record.fid, 'number');
});
