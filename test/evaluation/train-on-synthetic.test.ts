import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { meanAndStd, type TrainOnSyntheticOptions, trainOnSyntheticExperiment } from '../../src/evaluation/train-on-synthetic';
import { mnistSubset } from '../extractors/mnist-subset';
import { makeTempDir } from '../temp-dir';

// Real MNIST images stand in for the synthetic set (other images of the training split, renamed):
// the test checks the experiment's bookkeeping, not the quality of any generator.
const real = mnistSubset('train', 1000);
const test = mnistSubset('test', 500);
const synthetic = { ...mnistSubset('train', 2000, 1000), name: 'synthetic-mnist' };

function tinyOptions(overrides: Partial<TrainOnSyntheticOptions> = {}): TrainOnSyntheticOptions {
  return { real, test, synthetic, seeds: [0, 1, 2], epochs: 2, batchSize: 32, fractions: [0.5, 1, 2], maxTrain: 600, maxTest: 400, ...overrides };
}

describe('train on synthetic', () => {
  it('returns every arm and fraction', async () => {
    const outFile = path.join(makeTempDir('tos'), 'downstream.json');
    let events = 0;
    const result = await trainOnSyntheticExperiment(tinyOptions({ outFile, onProgress: () => { events += 1; } }));

    assert.equal(result.kind, 'train-on-synthetic');
    assert.equal(result.realCount, 600);
    assert.equal(result.testCount, 400);
    assert.equal(result.syntheticAvailable, 2000);
    assert.equal(result.classifier.name, 'cnn5x5-16-32-64');
    assert.deepEqual(result.seeds, [0, 1, 2]);
    assert.ok(events > 0);

    const { real: realArm, synthetic: syntheticArm, realPlusSynthetic } = result.arms;
    assert.deepEqual([realArm.arm, realArm.realCount, realArm.syntheticCount], ['real', 600, 0]);
    assert.deepEqual([syntheticArm.arm, syntheticArm.realCount, syntheticArm.syntheticCount], ['synthetic', 0, 600]);
    assert.deepEqual([realPlusSynthetic.arm, realPlusSynthetic.realCount, realPlusSynthetic.syntheticCount], ['real+synthetic', 600, 600]);
    for (const arm of [realArm, syntheticArm, realPlusSynthetic]) {
      assert.equal(arm.accuracies.length, 3);
      assert.equal(arm.perClassMean.length, 10);
      const { mean, std } = meanAndStd(arm.accuracies);
      assert.equal(arm.mean, mean);
      assert.equal(arm.std, std);
    }
    assert.ok(realArm.mean > 0.5, `real → real accuracy ${realArm.mean} should be well above chance (0.1)`);

    const curve = result.fractionCurve.map((point) => [point.arm, point.syntheticFraction, point.realCount, point.syntheticCount]);
    assert.deepEqual(curve, [
      ['synthetic', 0.5, 0, 300], ['synthetic', 1, 0, 600], ['synthetic', 2, 0, 1200],
      ['real+synthetic', 0.5, 600, 300], ['real+synthetic', 1, 600, 600], ['real+synthetic', 2, 600, 1200],
    ]);
    assert.deepEqual(result.fractionCurve[1].accuracies, syntheticArm.accuracies);
    assert.deepEqual(result.fractionCurve[4].accuracies, realPlusSynthetic.accuracies);

    assert.deepEqual(JSON.parse(fs.readFileSync(outFile, 'utf8')), JSON.parse(JSON.stringify(result)));
    fs.rmSync(path.dirname(outFile), { recursive: true, force: true });
  });

  it('repeats exactly with the same seeds', async () => {
    const options = tinyOptions({ fractions: [1], fractionArms: ['synthetic'], maxTrain: 300 });
    const first = await trainOnSyntheticExperiment(options);
    const second = await trainOnSyntheticExperiment(options);
    assert.deepEqual(second.arms, first.arms);
    assert.deepEqual(second.fractionCurve, first.fractionCurve);
    assert.notEqual(first.arms.real.accuracies[0], Number.NaN);
  });

  it('rejects fewer than 3 seeds', async () => {
    await assert.rejects(trainOnSyntheticExperiment(tinyOptions({ seeds: [0, 1] })), (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /at least 3 distinct integer seeds, got \[0, 1\]/);
      return true;
    });
  });

  it('rejects too few synthetic images', async () => {
    await assert.rejects(trainOnSyntheticExperiment(tinyOptions({ fractions: [4] })),
      /needs 2400 synthetic images \(600 real images × fraction 4\) but the synthetic dataset has 2000/);
  });

  it('rejects mismatched image sizes', async () => {
    const wrong = { ...synthetic, height: 14, width: 56 };
    await assert.rejects(trainOnSyntheticExperiment(tinyOptions({ synthetic: wrong })), /synthetic images are 14×56×1 but real images are 28×28×1/);
  });

  it('rejects fractions below one image', async () => {
    await assert.rejects(trainOnSyntheticExperiment(tinyOptions({ fractions: [0.0001] })), /less than one synthetic image/);
  });

  it('computes sample mean and std', () => {
    const { mean, std } = meanAndStd([0.9, 0.92, 0.94]);
    assert.ok(Math.abs(mean - 0.92) < 1e-12);
    assert.ok(Math.abs(std - 0.02) < 1e-12);
    assert.deepEqual(meanAndStd([0.5]), { mean: 0.5, std: 0 });
  });
});
