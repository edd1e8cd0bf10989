import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Tensor4D } from '@tensorflow/tfjs';

import { projectRoot } from '../../src/core/files';
import { readNpy } from '../../src/data/npy';
import { imagesToBatch } from '../../src/metrics/extractors/batches';
import { type GraphModelExtractor, loadGraphModelExtractor } from '../../src/metrics/extractors/inception';
import type { FeatureMatrix } from '../../src/metrics/feature-matrix';
import { cachedFeatures, datasetFeatures, featureCacheFile, type FeatureCacheKey } from '../../src/metrics/features-cache';
import { mnistSubset } from './mnist-subset';
import { makeTempDir } from '../temp-dir';

describe('feature cache', () => {
  let cacheDir: string;
  let extractor: GraphModelExtractor;
  const key: FeatureCacheKey = { source: 'run:dcgan-0123', sampleSeed: 5, sampleCount: 3, extractor: 'test:extractor', output: 'features' };
  const matrix: FeatureMatrix = { rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, 4, 5, 6.5]) };

  before(async () => {
    cacheDir = makeTempDir('features');
    extractor = await loadGraphModelExtractor({ modelPath: path.join(projectRoot(), 'test', 'fixtures', 'graph-model') });
  });

  after(() => {
    extractor?.dispose();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('computes once, then reads the file', async () => {
    let computations = 0;
    const compute = () => {
      computations += 1;
      return matrix;
    };
    const first = await cachedFeatures(key, compute, { cacheDir });
    const second = await cachedFeatures(key, compute, { cacheDir });
    assert.equal(computations, 1);
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(second.file, first.file);
    assert.equal(second.matrix.rows, 3);
    assert.equal(second.matrix.cols, 2);
    assert.ok(second.matrix.data instanceof Float64Array);
    assert.deepEqual(Array.from(second.matrix.data), [1, 2, 3, 4, 5, 6.5]);
  });

  it('writes NPY with a key record', () => {
    const file = featureCacheFile(key, cacheDir);
    assert.equal(path.dirname(file), path.join(cacheDir, 'test_extractor'));
    const array = readNpy(file);
    assert.deepEqual(array.shape, [3, 2]);
    assert.equal(array.dtype, '<f8');
    const record = JSON.parse(fs.readFileSync(file.replace(/\.npy$/, '.json'), 'utf8'));
    assert.equal(record.source, 'run:dcgan-0123');
    assert.equal(record.sampleSeed, 5);
    assert.equal(record.rows, 3);
    const leftovers = fs.readdirSync(path.dirname(file)).filter((name) => name.includes('.tmp-'));
    assert.deepEqual(leftovers, []);
  });

  it('gives every key field its own file', () => {
    const files = new Set([
      featureCacheFile(key, cacheDir),
      featureCacheFile({ ...key, source: 'run:dcgan-0124' }, cacheDir),
      featureCacheFile({ ...key, sampleSeed: 6 }, cacheDir),
      featureCacheFile({ ...key, sampleCount: 4 }, cacheDir),
      featureCacheFile({ ...key, extractor: 'test:other' }, cacheDir),
      featureCacheFile({ ...key, output: 'probabilities' }, cacheDir),
    ]);
    assert.equal(files.size, 6);
  });

  it('recomputes when forced', async () => {
    const replacement: FeatureMatrix = { rows: 1, cols: 2, data: Float32Array.from([9, 8]) };
    const forced = await cachedFeatures(key, () => replacement, { cacheDir, force: true });
    assert.equal(forced.fromCache, false);
    const reread = await cachedFeatures(key, () => matrix, { cacheDir });
    assert.equal(reread.fromCache, true);
    assert.ok(reread.matrix.data instanceof Float32Array);
    assert.deepEqual(Array.from(reread.matrix.data), [9, 8]);
  });

  it('stores dataset features of an extractor', async () => {
    const digits = mnistSubset('test', 5);
    const first = await datasetFeatures(extractor, digits, { cacheDir, batchSize: 2 });
    const probabilities = await datasetFeatures(extractor, digits, { cacheDir, output: 'probabilities' });
    const again = await datasetFeatures(extractor, digits, { cacheDir });
    assert.equal(first.fromCache, false);
    assert.equal(again.fromCache, true);
    assert.notEqual(probabilities.file, first.file);
    assert.equal(probabilities.matrix.cols, extractor.numClasses);
    assert.equal(again.matrix.rows, 5);
    assert.equal(again.matrix.cols, extractor.featureDim);

    let images: Tensor4D | undefined;
    try {
      images = imagesToBatch(digits, { start: 0, end: 5 });
      assert.deepEqual(Array.from(again.matrix.data), Array.from(extractor.features(images).data));
    } finally {
      images?.dispose();
    }

    const otherDigits = mnistSubset('test', 5, 5);
    const other = await datasetFeatures(extractor, otherDigits, { cacheDir });
    assert.equal(other.fromCache, false);
    assert.notEqual(other.file, first.file);
  });
});
