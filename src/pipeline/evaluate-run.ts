import fs from 'node:fs';
import path from 'node:path';

import type { Tensor1D } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { sha256, writeJsonAtomic } from '../core/files';
import { ProgressListener, ProgressTracker } from '../core/progress';
import { deriveSeed } from '../core/random';
import { encodePng, epochOrder, imageGrid, imageSize, ImageDataset, subsetDataset, tensorToImageBytes } from '../data';
import { loadGenerator, resolveRunsDir, RunRecord } from '../experiments';
import { computeInceptionScore, computeMetrics, FeatureMatrix, frechetDistance, memorisation } from '../metrics';
import { DomainClassifier } from '../metrics/extractors';
import { datasetFeatures } from '../metrics/features-cache';

/** Version of the evaluation procedure, part of the cache key of stored evaluations. */
export const EVALUATION_VERSION = 1;

/** Images and their classifier outputs for a set of generated (or real) samples. */
export interface ScoredSamples {
  /** Image bytes NHWC, 0..255. */
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Class requested of a conditional generator, or null. */
  requestedLabels: Uint8Array | null;
  /** Class the domain classifier predicts. */
  predictedLabels: Uint8Array;
  features: FeatureMatrix;
  probabilities: FeatureMatrix;
}

/** Returns the index of the largest value of every row (the predicted class of probability rows). */
function argmaxRows(matrix: FeatureMatrix): Uint8Array {
  const result = new Uint8Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r += 1) {
    let best = 0;
    for (let c = 1; c < matrix.cols; c += 1) {
      if (matrix.data[r * matrix.cols + c] > matrix.data[r * matrix.cols + best]) best = c;
    }
    result[r] = best;
  }
  return result;
}

function appendMatrix(parts: FeatureMatrix[]): FeatureMatrix {
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  const cols = parts[0]?.cols ?? 0;
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { rows, cols, data };
}

/**
 * Draws `count` samples from a run's generator (its EMA weights when it trained with EMA) and
 * runs them through the classifier, `batchSize` at a time so memory stays bounded. Conditional
 * generators are requested class i mod classes for sample i, so classes are balanced. Latent
 * batch b uses seed deriveSeed(seed, "evaluate/b"), so the same seed gives the same samples.
 */
export function sampleAndScore(run: RunRecord, classifier: DomainClassifier, options: { count: number; seed: number; batchSize?: number; onProgress?: ProgressListener }): ScoredSamples {
  const generator = loadGenerator(run.dir);
  const batchSize = options.batchSize ?? 500;
  const { height, width, channels } = generator.image;
  const size = height * width * channels;
  const numClasses = generator.classNames.length;
  const images = new Uint8Array(options.count * size);
  const requested = generator.conditional ? new Uint8Array(options.count) : null;
  const predicted = new Uint8Array(options.count);
  const features: FeatureMatrix[] = [];
  const probabilities: FeatureMatrix[] = [];
  const tracker = new ProgressTracker(`sample ${run.id}`, options.count, 'image', options.onProgress);
  try {
    for (let start = 0, batch = 0; start < options.count; start += batchSize, batch += 1) {
      const n = Math.min(batchSize, options.count - start);
      const z = tf.randomNormal([n, generator.latentDim], 0, 1, 'float32', deriveSeed(options.seed, `evaluate/${batch}`)) as import('@tensorflow/tfjs').Tensor2D;
      let labels: Tensor1D | undefined;
      if (requested) {
        for (let i = 0; i < n; i += 1) requested[start + i] = (start + i) % numClasses;
        labels = tf.tensor1d(Array.from(requested.subarray(start, start + n)), 'int32');
      }
      const generated = generator.generate(z, labels);
      images.set(tensorToImageBytes(generated), start * size);
      const batchFeatures = classifier.features(generated);
      const batchProbabilities = classifier.probabilities(generated);
      features.push(batchFeatures);
      probabilities.push(batchProbabilities);
      predicted.set(argmaxRows(batchProbabilities), start);
      tf.dispose([z, generated, ...(labels ? [labels] : [])]);
      tracker.tick(n);
    }
  } finally {
    generator.dispose();
  }
  tracker.finish();
  return {
    images, count: options.count, height, width, channels,
    requestedLabels: requested, predictedLabels: predicted,
    features: appendMatrix(features), probabilities: appendMatrix(probabilities),
  };
}

/** Every number of one model's (or the real baseline's) evaluation, plus where it came from. */
export interface Evaluation {
  label: string;
  runId: string | null;
  configHash: string | null;
  family: string | null;
  dataset: string;
  extractor: string;
  extractorNote: string;
  classifierTestAccuracy: number;
  samples: number;
  realCount: number;
  seed: number;
  /** Flat metrics: fid, kid_mean, kid_std, kid_full, precision, recall, density, coverage, is_mean, is_std, ... */
  metrics: Record<string, number>;
  /** Fraction of samples the classifier assigns to each class. */
  classDistribution: number[];
  /** Entropy of `classDistribution` divided by log(classes): 1 = all classes equally often, 0 = one class. */
  classEntropy: number;
  /** Rate at which samples are classified as the class requested (conditional models). */
  conditionalAccuracy: number | null;
  conditionalAccuracyPerClass: number[] | null;
  /** FID per class between the samples of that class and the real test images of that class (conditional models). */
  perClassFid: number[] | null;
  memorisation: {
    nearCopyFraction: number;
    nearCopyThreshold: number;
    medianRatio: number;
    fakeMedianDistance: number;
    testMedianDistance: number;
    closestPairs: { fakeIndex: number; trainIndex: number; distance: number }[];
  };
  elapsedMs: number;
}

export interface EvaluateOptions {
  classifier: DomainClassifier;
  realTrain: ImageDataset;
  realTest: ImageDataset;
  /** Generated samples (or, for the baseline, real training images) to score. */
  samples: number;
  /** Real test images the samples are compared with. */
  realCount: number;
  seed: number;
  force?: boolean;
  onProgress?: ProgressListener;
}

function realSubset(ds: ImageDataset, count: number, seed: number): ImageDataset {
  if (count > ds.count) {
    throw new SynganError(`${ds.name} ${ds.split} has ${ds.count} images, fewer than the ${count} requested for evaluation`,
      { hint: 'lower the evaluation sample count (the profile\'s evalReal / evalSamples)' });
  }
  return subsetDataset(ds, epochOrder(ds.count, seed, 0).subarray(0, count));
}

function classEntropyOf(distribution: number[]): number {
  const entropy = -distribution.reduce((sum, p) => (p > 0 ? sum + p * Math.log(p) : sum), 0);
  return distribution.length > 1 ? entropy / Math.log(distribution.length) : 0;
}

function rowsWhere(matrix: FeatureMatrix, keep: (row: number) => boolean): FeatureMatrix {
  const rows: number[] = [];
  for (let r = 0; r < matrix.rows; r += 1) if (keep(r)) rows.push(r);
  const data = new Float32Array(rows.length * matrix.cols);
  rows.forEach((r, i) => data.set(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols), i * matrix.cols));
  return { rows: rows.length, cols: matrix.cols, data };
}

async function scoreEvaluation(label: string, run: RunRecord | null, scored: ScoredSamples, options: EvaluateOptions, startMs: number): Promise<Evaluation> {
  const { classifier } = options;
  const test = realSubset(options.realTest, options.realCount, deriveSeed(options.seed, 'real-test'));
  const testFeatures = (await datasetFeatures(classifier, test)).matrix;
  const trainFeatures = (await datasetFeatures(classifier, options.realTrain)).matrix;
  const kidSubsetSize = Math.min(1000, Math.floor(Math.min(test.count, scored.count) / 2));

  const metrics: Record<string, number> = {};
  const record = computeMetrics(testFeatures, scored.features, { seed: options.seed, kidSubsetSize, kidSubsets: 100, extractor: classifier.name });
  for (const [key, value] of Object.entries(record)) if (typeof value === 'number') metrics[key] = value;
  for (const [key, value] of Object.entries(computeInceptionScore(scored.probabilities))) if (typeof value === 'number') metrics[key] = value;

  const numClasses = classifier.numClasses;
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < scored.count; i += 1) counts[scored.predictedLabels[i]] += 1;
  const classDistribution = counts.map((count) => count / scored.count);

  let conditionalAccuracy: number | null = null;
  let conditionalAccuracyPerClass: number[] | null = null;
  let perClassFid: number[] | null = null;
  if (scored.requestedLabels) {
    const requested = scored.requestedLabels;
    const hits = new Array<number>(numClasses).fill(0);
    const asked = new Array<number>(numClasses).fill(0);
    for (let i = 0; i < scored.count; i += 1) {
      asked[requested[i]] += 1;
      if (requested[i] === scored.predictedLabels[i]) hits[requested[i]] += 1;
    }
    conditionalAccuracy = hits.reduce((a, b) => a + b, 0) / scored.count;
    conditionalAccuracyPerClass = hits.map((hit, c) => (asked[c] > 0 ? hit / asked[c] : Number.NaN));
    perClassFid = [];
    for (let c = 0; c < numClasses; c += 1) {
      const fakeClass = rowsWhere(scored.features, (r) => requested[r] === c);
      const realClass = rowsWhere(testFeatures, (r) => test.labels[r] === c);
      perClassFid.push(fakeClass.rows > 1 && realClass.rows > 1 ? frechetDistance(realClass, fakeClass).fid : Number.NaN);
    }
    metrics.conditional_accuracy = conditionalAccuracy;
  }

  const memo = memorisation(trainFeatures, scored.features, testFeatures, { closestPairs: 8 });
  metrics.near_copy_fraction = memo.nearCopyFraction;
  metrics.memorisation_median_ratio = memo.medianRatio;
  const classEntropy = classEntropyOf(classDistribution);
  metrics.class_entropy = classEntropy;

  return {
    label,
    runId: run?.id ?? null,
    configHash: run?.configHash ?? null,
    family: run?.config.family ?? null,
    dataset: options.realTrain.name,
    extractor: classifier.name,
    extractorNote: classifier.note,
    classifierTestAccuracy: classifier.testAccuracy,
    samples: scored.count,
    realCount: test.count,
    seed: options.seed,
    metrics,
    classDistribution,
    classEntropy,
    conditionalAccuracy,
    conditionalAccuracyPerClass,
    perClassFid,
    memorisation: {
      nearCopyFraction: memo.nearCopyFraction,
      nearCopyThreshold: memo.nearCopyThreshold,
      medianRatio: memo.medianRatio,
      fakeMedianDistance: memo.fakeSummary.median,
      testMedianDistance: memo.testSummary.median,
      closestPairs: memo.closestPairs.map((pair) => ({ fakeIndex: pair.fakeIndex, trainIndex: pair.trainIndex, distance: pair.distance })),
    },
    elapsedMs: Date.now() - startMs,
  };
}

function evaluationFile(dir: string, options: EvaluateOptions): string {
  const key = sha256(JSON.stringify({
    v: EVALUATION_VERSION, extractor: options.classifier.name, samples: options.samples, realCount: options.realCount, seed: options.seed,
  })).slice(0, 12);
  return path.join(dir, `evaluation-${key}.json`);
}

function readCached(file: string, force?: boolean): Evaluation | undefined {
  if (force || !fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Evaluation;
  } catch {
    return undefined;
  }
}

/**
 * Evaluates a trained run against the real test split with the domain classifier's features:
 * FID, KID, precision/recall, density/coverage, IS, class distribution, memorisation, and for
 * conditional models the conditional accuracy and per-class FID. Stored in the run's folder
 * and returned from there when evaluated before with the same settings (unless `force`).
 * The sample images are not stored; `sampleAndScore` with the same seed reproduces them.
 */
export async function evaluateRun(run: RunRecord, options: EvaluateOptions): Promise<Evaluation> {
  const file = evaluationFile(run.dir, options);
  const cached = readCached(file, options.force);
  if (cached) return cached;
  const startMs = Date.now();
  const scored = sampleAndScore(run, options.classifier, { count: options.samples, seed: options.seed, onProgress: options.onProgress });
  const evaluation = await scoreEvaluation(run.id, run, scored, options, startMs);
  writeJsonAtomic(file, evaluation);
  return evaluation;
}

/**
 * Computes the real-vs-real floor of every metric: `samples` real training images scored exactly like
 * generated ones against the same real test images. Stored under `cacheDir` (default
 * `<runs>/baselines`).
 */
export async function evaluateRealBaseline(options: EvaluateOptions & { cacheDir?: string }): Promise<Evaluation> {
  const cacheDir = options.cacheDir ?? path.join(resolveRunsDir(), 'baselines');
  const file = evaluationFile(path.join(cacheDir, `baseline-${options.realTrain.name}`), options);
  const cached = readCached(file, options.force);
  if (cached) return cached;
  const startMs = Date.now();
  const subset = realSubset(options.realTrain, options.samples, deriveSeed(options.seed, 'real-train'));
  const features = (await datasetFeatures(options.classifier, subset)).matrix;
  const probabilities = (await datasetFeatures(options.classifier, subset, { output: 'probabilities' })).matrix;
  const predicted = argmaxRows(probabilities);
  const scored: ScoredSamples = {
    images: subset.images, count: subset.count, height: subset.height, width: subset.width, channels: subset.channels,
    requestedLabels: null, predictedLabels: predicted, features, probabilities,
  };
  const evaluation = await scoreEvaluation(`real ${options.realTrain.name} (train vs test)`, null, scored, options, startMs);
  // The baseline's samples are training images, so they are their own nearest neighbours: the
  // memorisation figures carry no information here and are left out.
  delete evaluation.metrics.near_copy_fraction;
  delete evaluation.metrics.memorisation_median_ratio;
  writeJsonAtomic(file, evaluation);
  return evaluation;
}

/**
 * Draws the closest (generated, training) pairs as a PNG: each column a pair, generated image on top,
 * its nearest training image (in classifier feature space) below.
 */
export function closestPairsPng(evaluation: Evaluation, samples: ScoredSamples, realTrain: ImageDataset): Uint8Array {
  const pairs = evaluation.memorisation.closestPairs;
  const size = imageSize(realTrain);
  const images = new Uint8Array(pairs.length * 2 * size);
  pairs.forEach((pair, column) => {
    images.set(samples.images.subarray(pair.fakeIndex * size, (pair.fakeIndex + 1) * size), column * size);
    images.set(realTrain.images.subarray(pair.trainIndex * size, (pair.trainIndex + 1) * size), (pairs.length + column) * size);
  });
  const channels = realTrain.channels as 1 | 3;
  const grid = imageGrid(images, pairs.length * 2, realTrain.height, realTrain.width, channels, pairs.length);
  return encodePng(grid.pixels, grid.height, grid.width, channels);
}

/** Draws the first `count` scored samples as a PNG grid, `columns` per row. */
export function samplesPng(samples: ScoredSamples, count: number, columns: number): Uint8Array {
  const n = Math.min(count, samples.count);
  const channels = samples.channels as 1 | 3;
  const grid = imageGrid(samples.images, n, samples.height, samples.width, channels, columns);
  return encodePng(grid.pixels, grid.height, grid.width, channels);
}
