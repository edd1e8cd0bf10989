import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  computeMetrics, densityCoverage, frechetDistance, inceptionScore, kernelInceptionDistance, precisionRecall, readFeatureMatrix,
  type Arithmetic, type KidSubsetIndices,
} from '../../src/metrics';
import { asFloat32, assertRelative, goldenDir, goldenExpected, goldenFeatures, goldenSkip } from './helpers';

const FID_CASES = ['a_identical', 'b_shift', 'c_generic'];

function kidIndices(name: string): KidSubsetIndices {
  const layout = JSON.parse(fs.readFileSync(path.join(goldenDir, 'kid_indices', `${name}.json`), 'utf8'));
  return { real: layout.real, fake: layout.fake };
}

for (const name of FID_CASES) {
  test(`FID ${name} in float64`, { skip: goldenSkip }, () => {
    const expected = goldenExpected().fid[name].expected as number;
    const { real, fake } = goldenFeatures(name);
    const result = frechetDistance(real, fake, { arithmetic: 'float64' });
    if (expected === 0) assert.ok(Math.abs(result.fid) <= 1e-9, `FID ${result.fid} within 1e-9 of 0`);
    else assertRelative(result.fid, expected, 1e-9, 'FID');
    assert.equal(result.nReal, real.rows);
    assert.equal(result.nFake, fake.rows);
    assert.equal(result.dims, real.cols);
    assert.equal(result.offsetAdded, 0);
  });

  for (const arithmetic of ['float64', 'float32'] as Arithmetic[]) {
    test(`FID ${name} float32 features, ${arithmetic} arithmetic`, { skip: goldenSkip }, () => {
      const expected = goldenExpected().fid[name].expected as number;
      const { real, fake } = goldenFeatures(name);
      const result = frechetDistance(asFloat32(real), asFloat32(fake), { arithmetic });
      assert.equal(result.arithmetic, arithmetic);
      if (expected === 0) assert.ok(Math.abs(result.fid) <= 1e-5, `FID ${result.fid} within 1e-5 of 0`);
      else assertRelative(result.fid, expected, 1e-4, 'FID');
    });
  }
}

for (const name of FID_CASES) {
  test(`KID ${name} with reference subsets`, { skip: goldenSkip }, () => {
    const expected = goldenExpected().kid[name];
    const { real, fake } = goldenFeatures(name);
    const result = kernelInceptionDistance(real, fake, { indices: kidIndices(name), arithmetic: 'float64' });
    assertRelative(result.mean, expected.mean, 1e-9, 'KID mean');
    assertRelative(result.std, expected.std, 1e-9, 'KID std');
    assertRelative(result.full, expected.full_set_mmd2, 1e-9, 'KID over all rows');
    assert.equal(result.subsetSize, expected.subset_size);
    assert.equal(result.subsets, 10);
  });

  test(`KID ${name} in float32 arithmetic`, { skip: goldenSkip }, () => {
    const expected = goldenExpected().kid[name];
    const { real, fake } = goldenFeatures(name);
    const result = kernelInceptionDistance(asFloat32(real), asFloat32(fake), { indices: kidIndices(name), arithmetic: 'float32' });
    assertRelative(result.mean, expected.mean, 1e-4, 'KID mean');
    assertRelative(result.std, expected.std, 1e-4, 'KID std');
    assertRelative(result.full, expected.full_set_mmd2, 1e-4, 'KID over all rows');
  });
}

for (const name of ['uniform_confident', 'collapsed']) {
  test(`Inception Score ${name}`, { skip: goldenSkip }, () => {
    const expected = goldenExpected().inception_score[name];
    const probabilities = readFeatureMatrix(path.join(goldenDir, 'inception_probs', `${name}.json`));
    const result = inceptionScore(probabilities);
    assertRelative(result.mean, expected.mean, 1e-12, 'IS mean');
    assertRelative(result.std, expected.std, 1e-12, 'IS std');
    assertRelative(result.singleSplit, expected.single_split, 1e-12, 'IS single split');

    const rounded = inceptionScore(asFloat32(probabilities));
    assertRelative(rounded.mean, expected.mean, 1e-5, 'IS mean (float32)');
    assertRelative(rounded.std, expected.std, 1e-5, 'IS std (float32)');
    assertRelative(rounded.singleSplit, expected.single_split, 1e-5, 'IS single split (float32)');
  });
}

test('PRDC c_generic exact counts in float64', { skip: goldenSkip }, () => {
  const expected = goldenExpected().prdc.c_generic;
  const { real, fake } = goldenFeatures('c_generic');
  const pr = precisionRecall(real, fake, 3, { arithmetic: 'float64' });
  const dc = densityCoverage(real, fake, 5, { arithmetic: 'float64' });
  assert.equal(pr.precisionCount, expected.precision_k3.count);
  assert.equal(pr.recallCount, expected.recall_k3.count);
  assert.equal(dc.densityCount, expected.density_k5.count);
  assert.equal(dc.coverageCount, expected.coverage_k5.count);
  assert.equal(pr.precision, expected.precision_k3.value);
  assert.equal(pr.recall, expected.recall_k3.value);
  assert.equal(dc.density, expected.density_k5.value);
  assert.equal(dc.coverage, expected.coverage_k5.value);
});

test('PRDC c_generic within one count in float32', { skip: goldenSkip }, () => {
  const expected = goldenExpected().prdc.c_generic;
  const { real, fake } = goldenFeatures('c_generic');
  const pr = precisionRecall(asFloat32(real), asFloat32(fake), 3, { arithmetic: 'float32' });
  const dc = densityCoverage(asFloat32(real), asFloat32(fake), 5, { arithmetic: 'float32' });
  assert.ok(Math.abs(pr.precisionCount - expected.precision_k3.count) <= 1, `precision count ${pr.precisionCount}`);
  assert.ok(Math.abs(pr.recallCount - expected.recall_k3.count) <= 1, `recall count ${pr.recallCount}`);
  assert.ok(Math.abs(dc.densityCount - expected.density_k5.count) <= 1, `density count ${dc.densityCount}`);
  assert.ok(Math.abs(dc.coverageCount - expected.coverage_k5.count) <= 1, `coverage count ${dc.coverageCount}`);
});

test('computeMetrics record on c_generic', { skip: goldenSkip }, () => {
  const expected = goldenExpected();
  const { real, fake } = goldenFeatures('c_generic');
  const record = computeMetrics(real, fake, { kidSubsets: 10, kidSubsetSize: 100, seed: 3 });
  assertRelative(record.fid as number, expected.fid.c_generic.expected, 1e-9, 'fid');
  assert.equal(record.precision, expected.prdc.c_generic.precision_k3.value);
  assert.equal(record.recall, expected.prdc.c_generic.recall_k3.value);
  assert.equal(record.density, expected.prdc.c_generic.density_k5.value);
  assert.equal(record.coverage, expected.prdc.c_generic.coverage_k5.value);
  assertRelative(record.kid_full as number, expected.kid.c_generic.full_set_mmd2, 1e-9, 'kid_full');
  assert.equal(record.n_real, 2000);
  assert.equal(record.n_fake, 2000);
  assert.equal(record.kid_subsets, 10);
  assert.equal(record.kid_subset_size, 100);
  assert.equal(typeof record.kid_mean, 'number');
  assert.equal(typeof record.kid_std, 'number');
});
