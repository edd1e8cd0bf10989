import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { tf } from '../../src/core/backend';
import { SynganError } from '../../src/core/errors';
import { imagesToBatch } from '../../src/metrics/extractors/batches';
import { DOMAIN_CLASSIFIER_NOTE, type DomainClassifier, trainOrLoadDomainClassifier } from '../../src/metrics/extractors/classifier';
import { mnistSubset } from './mnist-subset';
import { makeTempDir } from '../temp-dir';

// A classifier trained on 2,000 MNIST images for 2 epochs: enough to check shapes, caching and
// determinism in seconds. The full-size accuracy targets are checked in test-e2e/extractors.
const train = mnistSubset('train', 2000);
const test = mnistSubset('test', 1000);
const options = { epochs: 2, seed: 7 };

describe('domain classifier', () => {
  let cacheDir: string;
  let classifier: DomainClassifier;
  let progressEvents = 0;

  before(async () => {
    cacheDir = makeTempDir('classifier');
    classifier = await trainOrLoadDomainClassifier({ train, test }, { ...options, cacheDir, onProgress: () => { progressEvents += 1; } });
  });

  after(() => {
    classifier?.dispose();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('reaches accuracy well above chance', () => {
    assert.ok(classifier.testAccuracy > 0.7, `test accuracy ${classifier.testAccuracy}`);
    assert.equal(classifier.record.perClassAccuracy.length, 10);
    assert.ok(progressEvents > 0);
  });

  it('saves model and record atomically', () => {
    assert.equal(path.basename(classifier.dir), `mnist-${classifier.id}`);
    assert.ok(fs.existsSync(path.join(classifier.dir, 'model.json')));
    const record = JSON.parse(fs.readFileSync(path.join(classifier.dir, 'classifier.json'), 'utf8'));
    assert.equal(record.testAccuracy, classifier.testAccuracy);
    assert.equal(record.seed, 7);
    assert.equal(record.epochs, 2);
    assert.equal(record.trainCount, 2000);
    assert.equal(record.testCount, 1000);
    assert.match(record.backend, /^backend: /);
    assert.ok(record.elapsedMs > 0);
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(classifier.dir)]);
  });

  it('names itself and carries the comparability note', () => {
    assert.equal(classifier.extractorName, `domain-classifier:mnist:${classifier.id}`);
    assert.match(classifier.id, /^[0-9a-f]{12}$/);
    assert.equal(classifier.note, DOMAIN_CLASSIFIER_NOTE);
    assert.match(classifier.note, /not comparable with published Inception-v3 FIDs/);
  });

  it('returns features and probabilities of the right shape', () => {
    const images = imagesToBatch(test, { start: 0, end: 300 });
    try {
      const features = classifier.features(images);
      assert.equal(features.rows, 300);
      assert.equal(features.cols, 128);
      assert.equal(classifier.featureDim, 128);
      assert.equal(features.data.length, 300 * 128);
      assert.ok(features.data.every((value) => value >= 0 && Number.isFinite(value)), 'ReLU features are finite and non-negative');

      const probabilities = classifier.probabilities(images);
      assert.equal(probabilities.rows, 300);
      assert.equal(probabilities.cols, 10);
      for (let row = 0; row < 300; row += 1) {
        let sum = 0;
        for (let k = 0; k < 10; k += 1) sum += probabilities.data[row * 10 + k];
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
      }

      const labels = classifier.predict(images);
      assert.equal(labels.length, 300);
      for (let row = 0; row < 300; row += 1) {
        const probs = Array.from(probabilities.data.subarray(row * 10, row * 10 + 10));
        assert.equal(labels[row], probs.indexOf(Math.max(...probs)));
      }
    } finally {
      images.dispose();
    }
  });

  it('processes inputs larger than one batch', () => {
    const images = imagesToBatch(test, { start: 0, end: 1000 });
    try {
      const whole = classifier.features(images);
      const first = classifier.features(images.slice([0, 0, 0, 0], [10, -1, -1, -1]));
      const last = classifier.features(images.slice([990, 0, 0, 0], [10, -1, -1, -1]));
      assert.equal(whole.rows, 1000);
      assert.deepEqual(Array.from(whole.data.subarray(0, 10 * 128)), Array.from(first.data));
      assert.deepEqual(Array.from(whole.data.subarray(990 * 128)), Array.from(last.data));
    } finally {
      images.dispose();
    }
  });

  it('loads from the cache without retraining', async () => {
    let events = 0;
    const again = await trainOrLoadDomainClassifier({ train, test }, { ...options, cacheDir, onProgress: () => { events += 1; } });
    const images = imagesToBatch(test, { start: 0, end: 50 });
    try {
      assert.equal(events, 0);
      assert.equal(again.id, classifier.id);
      assert.equal(again.record.createdAt, classifier.record.createdAt);
      assert.deepEqual(Array.from(again.features(images).data), Array.from(classifier.features(images).data));
    } finally {
      images.dispose();
      again.dispose();
    }
  });

  it('retrains to identical weights with the same seed', async () => {
    const retrained = await trainOrLoadDomainClassifier({ train, test }, { ...options, cacheDir, force: true });
    const images = imagesToBatch(test, { start: 0, end: 50 });
    try {
      assert.equal(retrained.id, classifier.id);
      assert.equal(retrained.testAccuracy, classifier.testAccuracy);
      assert.deepEqual(Array.from(retrained.features(images).data), Array.from(classifier.features(images).data));
    } finally {
      images.dispose();
      retrained.dispose();
    }
  });

  it('uses another key for another seed', async () => {
    const other = await trainOrLoadDomainClassifier({ train: mnistSubset('train', 200), test }, { ...options, cacheDir, epochs: 1, seed: 8 });
    try {
      assert.notEqual(other.id, classifier.id);
      assert.ok(fs.existsSync(other.dir));
    } finally {
      other.dispose();
    }
  });

  it('rejects images of the wrong size', () => {
    const images = tf.zeros([2, 32, 32, 1]) as ReturnType<typeof imagesToBatch>;
    try {
      assert.throws(() => classifier.features(images), (error: unknown) => {
        assert.ok(error instanceof SynganError);
        assert.match(error.message, /expects images of 28×28×1, got shape \[2, 32, 32, 1\]/);
        assert.ok(error.hint);
        return true;
      });
      assert.throws(() => classifier.probabilities(images), SynganError);
      assert.throws(() => classifier.predict(images), SynganError);
    } finally {
      images.dispose();
    }
  });

  it('rejects train and test splits of different sizes', async () => {
    const wrongTest = { ...test, height: 14, width: 56 };
    await assert.rejects(trainOrLoadDomainClassifier({ train, test: wrongTest }, { ...options, cacheDir }), /train images are 28×28×1 but test images are 14×56×1/);
  });
});
