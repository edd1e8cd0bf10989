import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { conditionalAccuracy, labelWithClassifier } from '../../src/evaluation/labelling';
import { imagesToBatch } from '../../src/metrics/extractors/batches';
import { type DomainClassifier, trainOrLoadDomainClassifier } from '../../src/metrics/extractors/classifier';
import { accuracyOf } from '../../src/metrics/extractors/train-classifier';
import { mnistSubset } from '../extractors/mnist-subset';
import { makeTempDir } from '../temp-dir';

describe('labelling with the domain classifier', () => {
  const samples = mnistSubset('test', 1200, 1000);
  let cacheDir: string;
  let classifier: DomainClassifier;

  before(async () => {
    cacheDir = makeTempDir('labelling');
    classifier = await trainOrLoadDomainClassifier({ train: mnistSubset('train', 1500), test: mnistSubset('test', 500) }, { cacheDir, epochs: 2 });
  });

  after(() => {
    classifier?.dispose();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('labels bytes and tensors alike', () => {
    const fromBytes = labelWithClassifier(classifier, samples);
    const images = imagesToBatch(samples, { start: 0, end: samples.count });
    try {
      assert.equal(fromBytes.length, 1200);
      assert.deepEqual(Array.from(labelWithClassifier(classifier, images)), Array.from(fromBytes));
    } finally {
      images.dispose();
    }
    const accuracy = accuracyOf(fromBytes, samples.labels, 10).accuracy;
    assert.ok(accuracy > 0.7, `accuracy ${accuracy}`);
  });

  it('scores requested classes', () => {
    const predicted = labelWithClassifier(classifier, samples);
    const expected = accuracyOf(predicted, samples.labels, 10);
    const result = conditionalAccuracy(classifier, samples, samples.labels);
    assert.equal(result.count, 1200);
    assert.equal(result.accuracy, expected.accuracy);
    assert.deepEqual(result.perClass, expected.perClassAccuracy);
    assert.equal(result.countPerClass.reduce((a, b) => a + b, 0), 1200);
    assert.equal(result.extractor, classifier.name);

    const matching = conditionalAccuracy(classifier, samples, predicted);
    assert.equal(matching.accuracy, 1);
  });

  it('reports NaN for unrequested classes', () => {
    const onlyThrees = new Uint8Array(samples.count).fill(3);
    const result = conditionalAccuracy(classifier, samples, onlyThrees);
    assert.ok(Number.isNaN(result.perClass[0]));
    assert.equal(result.perClass[3], result.accuracy);
    assert.equal(result.countPerClass[3], 1200);
  });

  it('rejects mismatched or invalid labels', () => {
    assert.throws(() => conditionalAccuracy(classifier, samples, [1, 2, 3]), /1200 images but 3 requested labels/);
    const outOfRange = new Array<number>(samples.count).fill(0);
    outOfRange[7] = 10;
    assert.throws(() => conditionalAccuracy(classifier, samples, outOfRange), (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /requested label 10 of image 7 is not a class index/);
      assert.match(error.hint ?? '', /0\.\.9/);
      return true;
    });
  });
});
