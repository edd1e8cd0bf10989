import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import type { Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { SynganError } from '../../src/core/errors';
import { loadDataset } from '../../src/data';
import { generateDataset, loadGenerator, train } from '../../src/experiments';
import { tempRunsDir, tinyConfig } from './helpers';

const quiet = { log: () => undefined };

test('conditional export is balanced per class', async () => {
  const runsDir = tempRunsDir('generate-cgan');
  const run = await train(tinyConfig({ name: 'gen-cgan', family: 'cgan', steps: 3, ema: { enabled: true, decay: 0.9 } }), { ...quiet, runsDir });
  const outDir = path.join(runsDir, 'synthetic-npy');

  const manifest = await generateDataset(run.dir, { count: 25, format: 'npy', outDir, seed: 1, batchSize: 7 });
  assert.equal(manifest.count, 25);
  assert.deepEqual(manifest.countsPerClass, [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
  assert.deepEqual(manifest.run, { id: run.id, configHash: run.configHash, family: 'cgan', usesEma: true });
  assert.equal(manifest.labelSource, 'conditional');
  assert.equal(manifest.seed, 1);
  assert.ok(Object.keys(manifest.files).includes('images.npy'));

  const written = loadDataset(outDir, 'train');
  assert.equal(written.count, 25);
  assert.deepEqual(Array.from(written.labels.slice(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);

  const perClass = await generateDataset(run.dir, { perClass: 4, format: 'idx', outDir: path.join(runsDir, 'synthetic-idx'), seed: 1 });
  assert.deepEqual(perClass.countsPerClass, new Array(10).fill(4));

  // Same seed and batch size give the same images.
  const again = await generateDataset(run.dir, { count: 25, format: 'npy', outDir: path.join(runsDir, 'again'), seed: 1, batchSize: 7 });
  assert.deepEqual(again.files['images.npy'], manifest.files['images.npy']);
});

test('export rejects existing folder unless overwrite', async () => {
  const runsDir = tempRunsDir('generate-overwrite');
  const run = await train(tinyConfig({ name: 'gen-over', family: 'cgan', steps: 1 }), { ...quiet, runsDir });
  const outDir = path.join(runsDir, 'out');
  await generateDataset(run.dir, { count: 10, format: 'png', outDir, seed: 2 });
  const before = fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8');

  await assert.rejects(generateDataset(run.dir, { count: 20, format: 'png', outDir, seed: 2 }), (error: unknown) => {
    assert.ok(error instanceof SynganError);
    assert.match(error.message, /already exists/);
    return true;
  });
  assert.equal(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'), before);

  const replaced = await generateDataset(run.dir, { count: 20, format: 'png', outDir, seed: 2, overwrite: true });
  assert.equal(replaced.count, 20);
});

test('unconditional export needs a labeler', async () => {
  const runsDir = tempRunsDir('generate-dcgan');
  const run = await train(tinyConfig({ name: 'gen-dcgan', steps: 2 }), { ...quiet, runsDir });

  await assert.rejects(generateDataset(run.dir, { count: 5, format: 'npy', outDir: path.join(runsDir, 'no'), seed: 0 }), (error: unknown) => {
    assert.ok(error instanceof SynganError);
    assert.match(error.message, /unconditional/);
    assert.match(error.hint ?? '', /labeler/);
    return true;
  });
  assert.equal(fs.existsSync(path.join(runsDir, 'no')), false);

  // A stand-in classifier: class 1 for images brighter than average, else 0.
  const labeler = async (images: Tensor4D): Promise<Uint8Array> => {
    const means = tf.tidy(() => tf.mean(images, [1, 2, 3]).dataSync());
    return Uint8Array.from(means, (mean) => (mean > -0.5 ? 1 : 0));
  };
  const manifest = await generateDataset(run.dir, {
    count: 12, format: 'npy', outDir: path.join(runsDir, 'yes'), seed: 0, labeler, labelerId: 'classifier-test',
  });
  assert.equal(manifest.labelSource, 'classifier');
  assert.equal(manifest.classifierId, 'classifier-test');
  assert.equal(manifest.countsPerClass.reduce((a, b) => a + b, 0), 12);
});

test('loaded generator matches the trained one', async () => {
  const runsDir = tempRunsDir('load-generator');
  const run = await train(tinyConfig({ name: 'load', steps: 2 }), { ...quiet, runsDir });
  const generator = loadGenerator(run.dir);
  assert.equal(generator.conditional, false);
  assert.equal(generator.latentDim, 16);
  const images = generator.generate(tf.randomNormal([3, 16], 0, 1, 'float32', 1) as never);
  assert.deepEqual(images.shape, [3, 28, 28, 1]);
  images.dispose();
  generator.dispose();
});
