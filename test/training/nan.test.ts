import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { runTrainingLoop } from '../../src/training';
import { mnistSubset, tinyTrainer } from './helpers';
import { makeTempDir } from '../temp-dir';

test('NaN loss stops training with the last checkpoint', async () => {
  const runDir = makeTempDir('nan');
  const trainer = tinyTrainer('dcgan');
  const realStep = trainer.step.bind(trainer);
  // Step index 4 (the fifth step) reports a NaN discriminator loss, as a diverged run would.
  trainer.step = (batches, step) => {
    const metrics = realStep(batches, step);
    return step === 4 ? { ...metrics, dLoss: Number.NaN } : metrics;
  };

  await assert.rejects(
    runTrainingLoop({
      trainer, dataset: mnistSubset(64), totalSteps: 10, runDir, checkpointEverySteps: 2, sampleEverySteps: 100,
      label: 'nan', log: () => undefined,
    }),
    (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /step 5/);
      assert.match(error.message, /dLoss is NaN/);
      assert.match(error.message, /step-0000004/);
      assert.match(error.hint ?? '', /learning rate/);
      return true;
    },
  );
  const latest = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
  assert.equal(latest.step, 4);
});
