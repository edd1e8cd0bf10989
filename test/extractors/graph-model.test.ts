import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../../src/core/backend';
import { SynganError } from '../../src/core/errors';
import { projectRoot } from '../../src/core/files';
import { imagesToBatch } from '../../src/metrics/extractors/batches';
import { type GraphModelExtractor, type GraphModelInputRange, loadGraphModelExtractor } from '../../src/metrics/extractors/inception';
import { createExtractor, parseExtractorKind } from '../../src/metrics/extractors/registry';
import {
  FIXTURE_CLASSES, FIXTURE_FEATURES, FIXTURE_INPUT_SIZE, FIXTURE_KERNEL_SIZE, FIXTURE_STRIDE,
  buildGraphModelFixture, fixtureConvBias, fixtureDenseBias, fixtureDenseWeights, fixtureKernel,
} from './graph-model-fixture';
import { mnistSubset } from './mnist-subset';
import { makeTempDir } from '../temp-dir';

const fixtureDir = path.join(projectRoot(), 'test', 'fixtures', 'graph-model');

/**
 * Bilinear resize of one single-channel image with half-pixel centres (source coordinate
 * (out + 0.5) · in/out − 0.5, clamped at the borders), in float64.
 */
function resizeBilinear(pixels: Float64Array, inSize: number, outSize: number): Float64Array {
  const output = new Float64Array(outSize * outSize);
  const scale = inSize / outSize;
  const clamp = (index: number) => Math.min(inSize - 1, Math.max(0, index));
  for (let y = 0; y < outSize; y += 1) {
    const sourceY = (y + 0.5) * scale - 0.5;
    const y0 = Math.floor(sourceY);
    const dy = sourceY - y0;
    for (let x = 0; x < outSize; x += 1) {
      const sourceX = (x + 0.5) * scale - 0.5;
      const x0 = Math.floor(sourceX);
      const dx = sourceX - x0;
      const top = pixels[clamp(y0) * inSize + clamp(x0)] * (1 - dx) + pixels[clamp(y0) * inSize + clamp(x0 + 1)] * dx;
      const bottom = pixels[clamp(y0 + 1) * inSize + clamp(x0)] * (1 - dx) + pixels[clamp(y0 + 1) * inSize + clamp(x0 + 1)] * dx;
      output[y * outSize + x] = top * (1 - dy) + bottom * dy;
    }
  }
  return output;
}

/**
 * The fixture network computed by hand in float64 for one grey image in [-1, 1]: resize,
 * rescale, three equal channels, 3×3 stride-2 valid convolution, bias, ReLU, spatial mean
 * (the features), then the dense layer (the logits).
 */
function referenceOutputs(pixels: Float64Array, inSize: number, range: GraphModelInputRange): { features: number[]; logits: number[] } {
  const resized = inSize === FIXTURE_INPUT_SIZE ? pixels : resizeBilinear(pixels, inSize, FIXTURE_INPUT_SIZE);
  let scaled = resized;
  if (range === '[0,1]') scaled = resized.map((value) => (value + 1) / 2);
  if (range === '[0,255]') scaled = resized.map((value) => (value + 1) * 127.5);
  const kernel = fixtureKernel();
  const convBias = fixtureConvBias();
  const outSize = Math.floor((FIXTURE_INPUT_SIZE - FIXTURE_KERNEL_SIZE) / FIXTURE_STRIDE) + 1;
  const features = new Array<number>(FIXTURE_FEATURES).fill(0);
  for (let i = 0; i < outSize; i += 1) {
    for (let j = 0; j < outSize; j += 1) {
      for (let co = 0; co < FIXTURE_FEATURES; co += 1) {
        let sum = convBias[co];
        for (let kh = 0; kh < FIXTURE_KERNEL_SIZE; kh += 1) {
          for (let kw = 0; kw < FIXTURE_KERNEL_SIZE; kw += 1) {
            const pixel = scaled[(FIXTURE_STRIDE * i + kh) * FIXTURE_INPUT_SIZE + FIXTURE_STRIDE * j + kw];
            for (let ci = 0; ci < 3; ci += 1) sum += pixel * kernel[((kh * FIXTURE_KERNEL_SIZE + kw) * 3 + ci) * FIXTURE_FEATURES + co];
          }
        }
        features[co] += Math.max(0, sum) / (outSize * outSize);
      }
    }
  }
  const weights = fixtureDenseWeights();
  const denseBias = fixtureDenseBias();
  const logits = Array.from(denseBias, (bias, c) => features.reduce((sum, value, f) => sum + value * weights[f * FIXTURE_CLASSES + c], bias));
  return { features, logits };
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((value) => Math.exp(value - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

// The backend sums 149 × 149 float32 activations per feature, so with inputs in [0, 255] its
// mean differs from the float64 reference by up to about 2e-4 relative (measured).
const RELATIVE_TOLERANCE = 5e-4;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i += 1) {
    const tolerance = RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${label}[${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('graph-model extractor', () => {
  const digits = mnistSubset('test', 3);
  let images: Tensor4D;
  const extractors = new Map<GraphModelInputRange, GraphModelExtractor>();

  before(async () => {
    images = imagesToBatch(digits, { start: 0, end: digits.count });
    for (const inputRange of ['[-1,1]', '[0,1]', '[0,255]'] as const) {
      extractors.set(inputRange, await loadGraphModelExtractor({ modelPath: fixtureDir, inputRange, batchSize: 2 }));
    }
  });

  after(() => {
    images?.dispose();
    for (const extractor of extractors.values()) extractor.dispose();
  });

  it('fixture matches its writer', () => {
    const { modelJson, weights } = buildGraphModelFixture();
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(fixtureDir, 'model.json'), 'utf8')), modelJson);
    assert.ok(fs.readFileSync(path.join(fixtureDir, 'weights.bin')).equals(weights));
  });

  it('reads sizes from the model', () => {
    const extractor = extractors.get('[-1,1]')!;
    assert.equal(extractor.inputSize, 299);
    assert.equal(extractor.featureDim, FIXTURE_FEATURES);
    assert.equal(extractor.numClasses, FIXTURE_CLASSES);
    assert.equal(extractor.inputShape, null);
    assert.match(extractor.name, /^inception-v3:[0-9a-f]{12}$/);
    assert.match(extractor.note, /Inception-v3/);
  });

  it('names change with the input range', () => {
    const names = new Set([...extractors.values()].map((extractor) => extractor.name));
    assert.equal(names.size, 3);
  });

  for (const inputRange of ['[-1,1]', '[0,1]', '[0,255]'] as const) {
    it(`matches hand computation for ${inputRange}`, () => {
      const extractor = extractors.get(inputRange)!;
      const features = extractor.features(images);
      const probabilities = extractor.probabilities(images);
      assert.equal(features.rows, 3);
      assert.equal(features.cols, FIXTURE_FEATURES);
      assert.equal(probabilities.rows, 3);
      assert.equal(probabilities.cols, FIXTURE_CLASSES);
      for (let row = 0; row < 3; row += 1) {
        const pixels = Float64Array.from(digits.images.subarray(row * 784, (row + 1) * 784), (value) => value / 127.5 - 1);
        const expected = referenceOutputs(pixels, 28, inputRange);
        assertClose(features.data.subarray(row * FIXTURE_FEATURES, (row + 1) * FIXTURE_FEATURES), expected.features, `features row ${row}`);
        assertClose(probabilities.data.subarray(row * FIXTURE_CLASSES, (row + 1) * FIXTURE_CLASSES), softmax(expected.logits), `probabilities row ${row}`);
      }
    });
  }

  it('takes 299×299 RGB images unresized', () => {
    const extractor = extractors.get('[0,255]')!;
    const pixels = new Float64Array(FIXTURE_INPUT_SIZE * FIXTURE_INPUT_SIZE);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.sin(i / 97);
    const grey = tf.tensor4d(Float32Array.from(pixels), [1, FIXTURE_INPUT_SIZE, FIXTURE_INPUT_SIZE, 1]);
    const rgb = tf.tile(grey, [1, 1, 1, 3]) as Tensor4D;
    try {
      const expected = referenceOutputs(pixels, FIXTURE_INPUT_SIZE, '[0,255]');
      assertClose(extractor.features(rgb).data, expected.features, 'RGB features');
      assertClose(extractor.features(grey).data, expected.features, 'grey features');
    } finally {
      grey.dispose();
      rgb.dispose();
    }
  });

  it('rejects images with 2 channels', () => {
    const twoChannels = tf.zeros([1, 28, 28, 2]) as Tensor4D;
    try {
      assert.throws(() => extractors.get('[-1,1]')!.features(twoChannels), /takes images with 1 or 3 channels/);
    } finally {
      twoChannels.dispose();
    }
  });

  it('rejects a missing model path', async () => {
    await assert.rejects(loadGraphModelExtractor({ modelPath: path.join(fixtureDir, 'missing') }), (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /graph model not found: .*missing/);
      assert.ok(error.hint);
      return true;
    });
  });

  it('rejects a folder without model.json', async () => {
    const emptyDir = makeTempDir('graph');
    try {
      await assert.rejects(loadGraphModelExtractor({ modelPath: emptyDir }), /no model\.json in/);
    } finally {
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('rejects a layers model', async () => {
    const dir = makeTempDir('graph');
    try {
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' } }));
      await assert.rejects(loadGraphModelExtractor({ modelPath: dir }), /not a TensorFlow\.js graph model/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists output nodes when names mismatch', async () => {
    await assert.rejects(loadGraphModelExtractor({ modelPath: fixtureDir, featuresNode: 'avg_pool', logitsNode: 'predictions' }), (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /output nodes "avg_pool" and "predictions" not found/);
      assert.match(error.message, /the model's output nodes are "softmax"/);
      assert.match(error.hint ?? '', /featuresNode/);
      return true;
    });
  });

  it('accepts explicit node names', async () => {
    const extractor = await loadGraphModelExtractor({
      modelPath: path.join(fixtureDir, 'model.json'), featuresNode: 'pool_3/_reshape:0', logitsNode: 'softmax/logits',
    });
    try {
      assert.equal(extractor.featureDim, FIXTURE_FEATURES);
      assert.deepEqual(Array.from(extractor.features(images).data), Array.from(extractors.get('[-1,1]')!.features(images).data));
    } finally {
      extractor.dispose();
    }
  });

  it('registry builds the graph model', async () => {
    const extractor = await createExtractor({ kind: 'inception-v3', graphModel: { modelPath: fixtureDir } });
    try {
      assert.equal(extractor.name, extractors.get('[-1,1]')!.name);
    } finally {
      extractor.dispose();
    }
  });

  it('registry rejects bad requests', async () => {
    assert.throws(() => parseExtractorKind('vgg16'), /unknown extractor "vgg16"/);
    await assert.rejects(createExtractor({ kind: 'inception' }), (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.hint ?? '', /domain-classifier, inception-v3/);
      return true;
    });
    await assert.rejects(createExtractor({ kind: 'inception-v3' }), /needs the path of a TensorFlow\.js graph model/);
    await assert.rejects(createExtractor({ kind: 'domain-classifier' }), /needs a dataset/);
  });
});
