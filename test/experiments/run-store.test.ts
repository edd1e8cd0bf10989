import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { listRuns, loadRun, train } from '../../src/experiments';
import { checkpointBytes, lossHistory, readHistory, tempRunsDir, tinyConfig } from './helpers';

const quiet = { log: () => undefined };

test('same config trains identical weights twice', async () => {
  const first = await train(tinyConfig(), { ...quiet, runsDir: tempRunsDir('determinism-a') });
  const second = await train(tinyConfig(), { ...quiet, runsDir: tempRunsDir('determinism-b') });
  assert.equal(first.status, 'complete');
  assert.equal(first.id, second.id);
  assert.deepEqual(lossHistory(readHistory(second.dir)), lossHistory(readHistory(first.dir)));
  assert.ok(checkpointBytes(first.dir).equals(checkpointBytes(second.dir)), 'checkpoint tensors differ');
});

test('resume equals an uninterrupted run', async () => {
  // sngan with EMA covers spectral-norm vectors, EMA weights and Adam moments in the checkpoint.
  const config = tinyConfig({ family: 'sngan', ema: { enabled: true, decay: 0.9 }, steps: 10, checkpointEverySteps: 3 });
  const straight = await train(config, { ...quiet, runsDir: tempRunsDir('resume-a') });

  const runsDir = tempRunsDir('resume-b');
  const half = await train(config, { ...quiet, runsDir, stopAfterSteps: 5 });
  assert.equal(half.status, 'interrupted');
  assert.equal(half.steps, 5);
  assert.equal(loadRun(half.dir).status, 'interrupted');
  const resumed = await train(config, { ...quiet, runsDir });
  assert.equal(resumed.status, 'complete');
  assert.equal(resumed.steps, 10);

  assert.deepEqual(lossHistory(readHistory(resumed.dir)), lossHistory(readHistory(straight.dir)));
  assert.ok(checkpointBytes(resumed.dir).equals(checkpointBytes(straight.dir)), 'checkpoint tensors differ after resume');
});

test('finished run is returned from the cache', async () => {
  const runsDir = tempRunsDir('cache');
  const first = await train(tinyConfig({ steps: 4 }), { ...quiet, runsDir });
  const historyBefore = fs.readFileSync(path.join(first.dir, 'history.json'), 'utf8');
  let progressEvents = 0;
  const cached = await train(tinyConfig({ steps: 4 }), { ...quiet, runsDir, onProgress: () => { progressEvents += 1; } });
  assert.deepEqual(cached, first);
  assert.equal(progressEvents, 0, 'a cache hit must not train');
  assert.equal(fs.readFileSync(path.join(first.dir, 'history.json'), 'utf8'), historyBefore);
  assert.deepEqual(listRuns(runsDir).map((run) => run.id), [first.id]);
});

test('force retrains and replaces the run', async () => {
  const runsDir = tempRunsDir('force');
  const first = await train(tinyConfig({ steps: 2 }), { ...quiet, runsDir });
  const forced = await train(tinyConfig({ steps: 2 }), { ...quiet, runsDir, force: true });
  assert.equal(forced.status, 'complete');
  assert.equal(forced.dir, first.dir);
  assert.notEqual(forced.updatedAt, first.updatedAt);
  assert.deepEqual(fs.readdirSync(runsDir), [path.basename(first.dir)]);
});

test('run folder holds record, history and samples', async () => {
  const runsDir = tempRunsDir('layout');
  const record = await train(tinyConfig({ family: 'cgan', steps: 6, sampleEverySteps: 3 }), { ...quiet, runsDir });
  assert.match(record.id, /^tiny-[0-9a-f]{12}$/);
  assert.equal(record.steps, 6);
  assert.equal(record.backend.kind, 'cpu');
  assert.equal(record.environment.nodeVersion, process.version);
  assert.ok(record.finalLosses, 'finalLosses missing');
  assert.ok(Number.isFinite(record.finalLosses.gLoss));
  const samples = fs.readdirSync(path.join(record.dir, 'samples')).sort();
  assert.deepEqual(samples, ['final.png', 'step-000003.png']);
  const csv = fs.readFileSync(path.join(record.dir, 'history.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 7);
  assert.equal(csv[0], 'step,epoch,dLoss,gLoss,dReal,dFake,gradientPenalty,wasserstein,imagesPerS,elapsedMs');
  assert.deepEqual(loadRun(record.dir), record);
});

test('imageSize and channels train 32x32 RGB', async () => {
  const runsDir = tempRunsDir('rgb');
  const record = await train(tinyConfig({ name: 'rgb', family: 'sngan', steps: 2, imageSize: 32, channels: 3, maxImages: 64 }), { ...quiet, runsDir });
  assert.equal(record.status, 'complete');
  assert.deepEqual(record.image, { height: 32, width: 32, channels: 3 });
  assert.ok(fs.existsSync(path.join(record.dir, 'samples', 'final.png')));
});
