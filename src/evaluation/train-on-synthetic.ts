import { backendInfo, describeBackend } from '../core/backend';
import { SynganError } from '../core/errors';
import { writeJsonAtomic } from '../core/files';
import { ProgressTracker, type ProgressListener } from '../core/progress';
import { Random, deriveSeed } from '../core/random';
import type { ImageDataset } from '../data/types';
import { DOWNSTREAM_CLASSIFIER_ARCHITECTURE, buildClassifier } from '../metrics/extractors/architectures';
import type { LabelledImages } from '../metrics/extractors/batches';
import {
  DEFAULT_CLASSIFIER_BATCH_SIZE, DEFAULT_CLASSIFIER_LEARNING_RATE, evaluateClassifier, trainClassifier,
} from '../metrics/extractors/train-classifier';

/** Training set of a downstream classifier: real images, synthetic images, or both. */
export type TrainingArm = 'real' | 'synthetic' | 'real+synthetic';

export interface TrainOnSyntheticOptions {
  /** Real training images (the training split). */
  real: ImageDataset;
  /** Real test images; every arm is tested on these. */
  test: ImageDataset;
  /** Labelled synthetic images, at least as many as the real training images used times the largest fraction. */
  synthetic: ImageDataset;
  /** Training seeds, at least 3; every arm is trained once per seed. */
  seeds: number[];
  /** Training epochs of every classifier. */
  epochs: number;
  /** Synthetic set sizes as fractions of the real training size; default [0.1, 0.5, 1, 2]. */
  fractions?: number[];
  /** Arms of the fraction curve; default both `synthetic` and `real+synthetic`. */
  fractionArms?: Array<Exclude<TrainingArm, 'real'>>;
  /** Use at most this many real training images (a seeded subset), for quick profiles. */
  maxTrain?: number;
  /** Use at most this many test images (a seeded subset). */
  maxTest?: number;
  /** Seed of the subsets drawn from the real, test and synthetic images; default 0. Fixed across training seeds. */
  dataSeed?: number;
  batchSize?: number;
  learningRate?: number;
  onProgress?: ProgressListener;
  /** Write the result as JSON to this file (atomically); nothing is written when omitted. */
  outFile?: string;
}

/** Test accuracy of one training arm over all seeds. */
export interface ArmResult {
  arm: TrainingArm;
  realCount: number;
  syntheticCount: number;
  /** Synthetic images as a fraction of the real training size. */
  syntheticFraction: number;
  /** Real-test accuracy per seed, in the order of `seeds`, 0..1. */
  accuracies: number[];
  mean: number;
  /** Sample standard deviation over seeds (n − 1 in the denominator). */
  std: number;
  /** Mean over seeds of the per-class test accuracy. */
  perClassMean: number[];
}

/** Result of `trainOnSyntheticExperiment`: plain JSON. */
export interface TrainOnSyntheticResult {
  kind: 'train-on-synthetic';
  classifier: { name: string; version: number };
  realName: string;
  syntheticName: string;
  seeds: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  dataSeed: number;
  realCount: number;
  testCount: number;
  syntheticAvailable: number;
  /** (a) real → real, (b) synthetic of the same size → real, (c) real + synthetic of the same size → real. */
  arms: { real: ArmResult; synthetic: ArmResult; realPlusSynthetic: ArmResult };
  /** Accuracy against the amount of synthetic data, one entry per (fraction arm, fraction). */
  fractionCurve: ArmResult[];
  elapsedMs: number;
  backend: string;
}

export const DEFAULT_SYNTHETIC_FRACTIONS = [0.1, 0.5, 1, 2];

/** Sample mean and standard deviation (n − 1 denominator; 0 for a single value). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** Copies the images at `indices` of one or two datasets into one labelled set. */
function gatherImages(parts: Array<{ data: LabelledImages; indices: ArrayLike<number> }>): LabelledImages {
  const { height, width, channels } = parts[0].data;
  const imageSize = height * width * channels;
  const count = parts.reduce((sum, part) => sum + part.indices.length, 0);
  const images = new Uint8Array(count * imageSize);
  const labels = new Uint8Array(count);
  let row = 0;
  for (const { data, indices } of parts) {
    for (let i = 0; i < indices.length; i += 1) {
      const source = indices[i];
      images.set(data.images.subarray(source * imageSize, (source + 1) * imageSize), row * imageSize);
      labels[row] = data.labels[source];
      row += 1;
    }
  }
  return { count, height, width, channels, images, labels };
}

function seededSubset(count: number, limit: number | undefined, seed: number, purpose: string): Uint32Array {
  const order = new Random(deriveSeed(seed, purpose)).permutation(count);
  return limit === undefined || limit >= count ? order : order.slice(0, limit);
}

function checkOptions(options: TrainOnSyntheticOptions, fractions: number[]): void {
  const { real, test, synthetic, seeds } = options;
  if (!Array.isArray(seeds) || seeds.length < 3 || new Set(seeds).size !== seeds.length || !seeds.every(Number.isInteger)) {
    throw new SynganError(`train-on-synthetic needs at least 3 distinct integer seeds, got [${seeds?.join(', ')}]`,
      { hint: 'pass seeds such as [0, 1, 2]; accuracy is reported as mean ± std over the seeds' });
  }
  for (const [name, data] of [['test', test], ['synthetic', synthetic]] as const) {
    if (data.height !== real.height || data.width !== real.width || data.channels !== real.channels) {
      throw new SynganError(
        `${name} images are ${data.height}×${data.width}×${data.channels} but real images are ${real.height}×${real.width}×${real.channels}`,
        { hint: 'generate the synthetic dataset at the size of the real dataset it imitates' });
    }
  }
  const numClasses = real.classNames.length;
  for (const [name, data] of [['test', test], ['synthetic', synthetic]] as const) {
    if (data.classNames.length !== numClasses) {
      throw new SynganError(`${name} images have ${data.classNames.length} classes but real images have ${numClasses}`,
        { hint: 'label the synthetic images with the classes of the real dataset' });
    }
  }
  if (fractions.length === 0 || !fractions.every((fraction) => Number.isFinite(fraction) && fraction > 0)) {
    throw new SynganError(`invalid fractions [${fractions.join(', ')}]`, { hint: 'fractions are positive numbers such as [0.1, 0.5, 1, 2]' });
  }
  if (options.maxTrain !== undefined && (!Number.isInteger(options.maxTrain) || options.maxTrain < 1)) {
    throw new SynganError(`invalid maxTrain ${options.maxTrain}`, { hint: 'maxTrain is a positive number of real training images' });
  }
}

/**
 * Trains the same small classifier (fixed architecture, seeds and epochs) on (a) real training
 * images, (b) as many synthetic images, and (c) both together, and tests each on the real test
 * images. Then it repeats (b) and (c) with the synthetic set scaled to each fraction of the real
 * size. Accuracies are mean ± std over the seeds. Identical inputs and seeds give identical
 * results on the same backend and thread count. Writes nothing unless `outFile` is set.
 */
export async function trainOnSyntheticExperiment(options: TrainOnSyntheticOptions): Promise<TrainOnSyntheticResult> {
  const fractions = options.fractions ?? DEFAULT_SYNTHETIC_FRACTIONS;
  checkOptions(options, fractions);
  const startMs = Date.now();
  const { real, test, synthetic, seeds, epochs } = options;
  const dataSeed = options.dataSeed ?? 0;
  const batchSize = options.batchSize ?? DEFAULT_CLASSIFIER_BATCH_SIZE;
  const learningRate = options.learningRate ?? DEFAULT_CLASSIFIER_LEARNING_RATE;
  const fractionArms = options.fractionArms ?? ['synthetic', 'real+synthetic'];
  const numClasses = real.classNames.length;
  const architecture = DOWNSTREAM_CLASSIFIER_ARCHITECTURE;

  const realIndices = seededSubset(real.count, options.maxTrain, dataSeed, 'subset/real');
  const testIndices = seededSubset(test.count, options.maxTest, dataSeed, 'subset/test');
  const syntheticOrder = seededSubset(synthetic.count, undefined, dataSeed, 'subset/synthetic');
  const realCount = realIndices.length;
  const testSet = gatherImages([{ data: test, indices: testIndices }]);

  const syntheticCountOf = (fraction: number) => Math.round(fraction * realCount);
  const largestNeeded = Math.max(realCount, ...fractions.map(syntheticCountOf));
  if (synthetic.count < largestNeeded) {
    throw new SynganError(
      `train-on-synthetic needs ${largestNeeded} synthetic images (${realCount} real images × fraction ${Math.max(1, ...fractions)}) but the synthetic dataset has ${synthetic.count}`,
      { hint: 'generate more synthetic images, lower the largest fraction, or set maxTrain to use fewer real images' });
  }

  const emptyFraction = fractions.find((fraction) => syntheticCountOf(fraction) === 0);
  if (emptyFraction !== undefined) {
    throw new SynganError(`fraction ${emptyFraction} of ${realCount} real images is less than one synthetic image`,
      { hint: 'use larger fractions or more real training images' });
  }

  // Every (real count, synthetic count) training set is trained once per seed and reused by the
  // arms and fractions that share it: the fraction 1 points are the (b) and (c) arms.
  const plans = new Map<string, { arm: TrainingArm; realCount: number; syntheticCount: number }>();
  const addPlan = (arm: TrainingArm, withReal: boolean, syntheticCount: number) => {
    const key = `${withReal ? realCount : 0}/${syntheticCount}`;
    if (!plans.has(key)) plans.set(key, { arm, realCount: withReal ? realCount : 0, syntheticCount });
    return key;
  };
  const realKey = addPlan('real', true, 0);
  const syntheticKey = addPlan('synthetic', false, realCount);
  const bothKey = addPlan('real+synthetic', true, realCount);
  const curveKeys = fractionArms.flatMap((arm) => fractions.map((fraction) => addPlan(arm, arm === 'real+synthetic', syntheticCountOf(fraction))));

  const progress = new ProgressTracker('train-on-synthetic', plans.size * seeds.length, 'run', options.onProgress, 0);
  const results = new Map<string, ArmResult>();
  for (const [key, plan] of plans) {
    const parts: Array<{ data: LabelledImages; indices: ArrayLike<number> }> = [];
    if (plan.realCount > 0) parts.push({ data: real, indices: realIndices });
    if (plan.syntheticCount > 0) parts.push({ data: synthetic, indices: syntheticOrder.subarray(0, plan.syntheticCount) });
    const trainSet = gatherImages(parts);

    const accuracies: number[] = [];
    const perClassSums = new Array<number>(numClasses).fill(0);
    for (const seed of seeds) {
      const model = buildClassifier(architecture, [real.height, real.width, real.channels], numClasses, deriveSeed(seed, 'downstream/init'));
      try {
        await trainClassifier(model, trainSet, numClasses, {
          seed: deriveSeed(seed, 'downstream/train'), epochs, batchSize, learningRate, dropoutRate: architecture.dropoutRate,
        });
        const accuracy = evaluateClassifier(model, testSet, numClasses);
        accuracies.push(accuracy.accuracy);
        accuracy.perClassAccuracy.forEach((value, k) => { perClassSums[k] += value; });
      } finally {
        model.dispose();
      }
      progress.tick(1, { arm: plan.arm, real: plan.realCount, synthetic: plan.syntheticCount, seed });
    }
    const { mean, std } = meanAndStd(accuracies);
    results.set(key, {
      arm: plan.arm,
      realCount: plan.realCount,
      syntheticCount: plan.syntheticCount,
      syntheticFraction: plan.syntheticCount / realCount,
      accuracies,
      mean,
      std,
      perClassMean: perClassSums.map((sum) => sum / seeds.length),
    });
  }
  progress.finish();

  const curve = curveKeys.map((key, i) => ({ ...results.get(key)!, arm: fractionArms[Math.floor(i / fractions.length)] }));
  const result: TrainOnSyntheticResult = {
    kind: 'train-on-synthetic',
    classifier: { name: architecture.name, version: architecture.version },
    realName: real.name,
    syntheticName: synthetic.name,
    seeds: [...seeds],
    epochs,
    batchSize,
    learningRate,
    dataSeed,
    realCount,
    testCount: testSet.count,
    syntheticAvailable: synthetic.count,
    arms: { real: results.get(realKey)!, synthetic: results.get(syntheticKey)!, realPlusSynthetic: results.get(bothKey)! },
    fractionCurve: curve,
    elapsedMs: Date.now() - startMs,
    backend: describeBackend(backendInfo()),
  };
  if (options.outFile) writeJsonAtomic(options.outFile, result);
  return result;
}
