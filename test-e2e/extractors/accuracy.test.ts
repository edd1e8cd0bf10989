import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';

import { formatDuration } from '../../src/core/progress';
import { getDomainClassifier } from '../../src/metrics/extractors/classifier';
import { makeTempDir } from '../../test/temp-dir';

// Trains each domain classifier from scratch on the full training split with the default
// settings and checks the test accuracy targets. Takes several minutes per dataset on 2 CPU cores.
describe('domain classifier accuracy', () => {
  const cacheDir = makeTempDir('accuracy');

  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  for (const [dataset, target] of [['mnist', 0.99], ['fashion-mnist', 0.9]] as const) {
    it(`${dataset} reaches ${target * 100}% test accuracy`, async () => {
      const classifier = await getDomainClassifier(dataset, { cacheDir });
      try {
        const { record } = classifier;
        process.stdout.write(`# ${dataset}: test accuracy ${(record.testAccuracy * 100).toFixed(2)}% after ${record.epochs} epochs, ` +
          `trained in ${formatDuration(record.elapsedMs)} (${record.backend})\n`);
        assert.equal(record.trainCount, 60000);
        assert.equal(record.testCount, 10000);
        assert.ok(record.testAccuracy >= target, `test accuracy ${record.testAccuracy} is below ${target}`);
        assert.equal(record.perClassAccuracy.length, 10);
      } finally {
        classifier.dispose();
      }
    });
  }
});
