import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { sha256 } from '../../src/core/files';
import {
  classCounts, datasetChecksum, FASHION_MNIST_CLASS_NAMES, fashionMnistDir, fashionSplitIndices, loadDataset,
  parseFashionClassFile,
} from '../../src/data';
import { catchSynganError, makeTempDir } from './helpers';

const cacheDir = makeTempDir('fashion-cache');

test('Fashion-MNIST split is stratified', () => {
  const train = loadDataset('fashion-mnist', 'train', { cacheDir });
  const testSplit = loadDataset('fashion-mnist', 'test', { cacheDir });
  assert.deepEqual([train.count, train.height, train.width, train.channels], [60000, 28, 28, 1]);
  assert.equal(testSplit.count, 10000);
  assert.deepEqual(classCounts(train), new Array(10).fill(6000));
  assert.deepEqual(classCounts(testSplit), new Array(10).fill(1000));
  assert.deepEqual(train.classNames, FASHION_MNIST_CLASS_NAMES);
  assert.equal(train.classNames[0], 'T-shirt/top');
  assert.equal(Object.keys(train.checksums).length, 10);
  assert.match(train.checksums['clothes/0.json'], /^[0-9a-f]{64}$/);
});

test('Fashion-MNIST splits are disjoint', () => {
  const train = new Set(fashionSplitIndices('train'));
  const testIndices = fashionSplitIndices('test');
  assert.equal(train.size, 60000);
  assert.equal(new Set(testIndices).size, 10000);
  assert.equal(testIndices.filter((index) => train.has(index)).length, 0);
  const all = fashionSplitIndices('all');
  assert.equal(new Set(all).size, 70000);
});

test('Fashion-MNIST classes are mixed', () => {
  const train = loadDataset('fashion-mnist', 'train', { cacheDir });
  // The first 100 images span several classes, unlike the class-ordered source files.
  assert.ok(new Set(train.labels.subarray(0, 100)).size >= 8);
});

test('Fashion-MNIST split same on every load', () => {
  const first = loadDataset('fashion-mnist', 'test', { cacheDir });
  const fresh = loadDataset('fashion-mnist', 'test', { cacheDir: makeTempDir('fashion-cache-fresh') });
  assert.equal(sha256(fresh.images), sha256(first.images));
  assert.equal(sha256(fresh.labels), sha256(first.labels));
  assert.equal(datasetChecksum(fresh), datasetChecksum(first));
  // Pinned values: a change here changes every Fashion-MNIST result.
  assert.equal(sha256(first.images), '45208731381bb17148b0a7fac0442ac82fcfe1ef5490d6975726659ae0f77967');
  assert.equal(sha256(first.labels), '965130d0d46e8b521b933fc34e12f1c7bde5646165b9ee29426580bcadae9a65');
});

test('Fashion-MNIST duplicates across splits', () => {
  // The package contains 54 pairs of byte-identical images; the split keeps them all.
  const train = loadDataset('fashion-mnist', 'train', { cacheDir });
  const testSplit = loadDataset('fashion-mnist', 'test', { cacheDir });
  const trainHashes = new Set<string>();
  for (let i = 0; i < train.count; i += 1) trainHashes.add(sha256(train.images.subarray(i * 784, (i + 1) * 784)));
  let sharedWithTrain = 0;
  for (let i = 0; i < testSplit.count; i += 1) {
    if (trainHashes.has(sha256(testSplit.images.subarray(i * 784, (i + 1) * 784)))) sharedWithTrain += 1;
  }
  assert.equal(train.count - trainHashes.size, 41);
  assert.equal(sharedWithTrain, 12);
});

test('Fashion-MNIST class 0 drops empty rows', () => {
  const file = path.join(fashionMnistDir(), '0.json');
  const parsed = parseFashionClassFile(fs.readFileSync(file), file);
  assert.equal(parsed.count, 7000);
  assert.deepEqual(parsed.emptyRows, [1000, 7001]);
  assert.equal(parsed.images.length, 7000 * 784);
});

test('Fashion-MNIST parser matches JSON.parse', () => {
  const file = path.join(fashionMnistDir(), '9.json');
  const bytes = fs.readFileSync(file);
  const parsed = parseFashionClassFile(bytes, file);
  const reference = (JSON.parse(bytes.toString('utf8')) as { data: number[][] }).data;
  assert.equal(parsed.count, reference.length);
  assert.deepEqual(Array.from(parsed.images.subarray(0, 784)), reference[0]);
  assert.deepEqual(Array.from(parsed.images.subarray(6999 * 784)), reference[6999]);
});

test('Fashion-MNIST parser rejects bad JSON', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"data":[[1,2,3]]}', /row 0 has 3 values instead of 784/],
    ['{"data":[[256' + ',0'.repeat(783) + ']]}', /pixel value 256 in row 0 is above 255/],
    ['{"data":[[1.5]]}', /expected "," or "]" in row 0/],
    ['{"pixels":[]}', /expected "\\"data\\""/],
    ['{"data":[]', /expected "}"/],
  ];
  for (const [text, message] of cases) {
    const error = catchSynganError(() => parseFashionClassFile(Buffer.from(text), 'bad.json'));
    assert.match(error.message, /^bad\.json: invalid Fashion-MNIST JSON at byte \d+/);
    assert.match(error.message, message);
  }
});
