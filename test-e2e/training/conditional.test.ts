import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';

import { tf } from '../../src/core/backend';
import { deriveSeed } from '../../src/core/random';
import { conditionalAccuracy } from '../../src/evaluation/labelling';
import { loadGenerator, train } from '../../src/experiments';
import { getDomainClassifier } from '../../src/metrics/extractors/classifier';
import { makeTempDir } from '../../test/temp-dir';

// Trains a conditional GAN on MNIST with the standard profile's budget (3,000 steps of batch 64,
// width 32) and checks that the project's domain classifier recognises at least 80% of the
// samples as the class each was generated for. Measured: 94.8% with this seed (96.2% in the
// standard report's run with seed 0); 1,500 steps with EMA gave 77.5%. Takes about 4 minutes on
// 2 quiet CPU cores, plus the classifier's training when it is not cached yet.
const runsDir = makeTempDir('e2e-cgan');

after(() => {
  fs.rmSync(runsDir, { recursive: true, force: true });
});

test('cgan produces the requested class', async () => {
  const run = await train({
    name: 'e2e-cgan', family: 'cgan', steps: 3000, batchSize: 64, width: 32, seed: 1,
    sampleEverySteps: 1000, checkpointEverySteps: 1000,
  }, { runsDir, log: () => undefined });
  assert.equal(run.status, 'complete');

  const classifier = await getDomainClassifier('mnist');
  const generator = loadGenerator(run.dir);
  try {
    const count = 1000;
    const requested = Int32Array.from({ length: count }, (_, i) => i % 10);
    const images = tf.tidy(() => {
      const z = tf.randomNormal([count, generator.latentDim], 0, 1, 'float32', deriveSeed(5, 'e2e-cgan'));
      return generator.generate(z as never, tf.tensor1d(requested, 'int32'));
    });
    const accuracy = conditionalAccuracy(classifier, images, requested);
    images.dispose();
    process.stdout.write(`# cgan conditional accuracy ${(accuracy.accuracy * 100).toFixed(1)}% ` +
      `(per class ${accuracy.perClass.map((value) => (value * 100).toFixed(0)).join(' ')})\n`);
    assert.ok(accuracy.accuracy >= 0.8, `conditional accuracy ${accuracy.accuracy} is below 0.8`);
  } finally {
    generator.dispose();
    classifier.dispose();
  }
});
