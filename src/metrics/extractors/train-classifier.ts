import type { LayersModel, Optimizer, Scalar, Tensor } from '@tensorflow/tfjs';

import { tf } from '../../core/backend';
import { SynganError } from '../../core/errors';
import { ProgressTracker, type ProgressListener } from '../../core/progress';
import { Random, deriveSeed } from '../../core/random';
import { FEATURE_LAYER_NAME } from './architectures';
import { imagesToBatch, labelsAt, shiftedImagesToBatch, type LabelledImages } from './batches';

/** Settings of one classifier training run; every random draw derives from `seed`. */
export interface TrainClassifierOptions {
  seed: number;
  epochs: number;
  /** Images per optimiser step; the last, smaller batch of an epoch is kept. */
  batchSize?: number;
  /** Adam learning rate of the first epoch. */
  learningRate?: number;
  /** Factor applied to the learning rate after each epoch; default 1 (constant). */
  learningRateDecay?: number;
  /** Dropout rate on the feature layer during training, 0 for none. */
  dropoutRate?: number;
  /** Largest random shift of training images, in pixels per axis; 0 (default) for none. */
  maxShiftPx?: number;
  onProgress?: ProgressListener;
  /** Called after each epoch with the 0-based epoch index and the model, for example to measure accuracy. */
  onEpochEnd?: (epoch: number, model: LayersModel) => void | Promise<void>;
  /** Label for progress events. */
  label?: string;
}

/** Summary of a training run. */
export interface TrainClassifierResult {
  steps: number;
  /** Mean cross-entropy over the last epoch, in nats. */
  lastEpochLoss: number;
  elapsedMs: number;
}

/** Accuracy of a classifier on labelled images. */
export interface ClassifierAccuracy {
  /** Fraction of images classified correctly, 0..1. */
  accuracy: number;
  /** Accuracy per class index, NaN for a class without images. */
  perClassAccuracy: number[];
  count: number;
}

export const DEFAULT_CLASSIFIER_BATCH_SIZE = 128;
export const DEFAULT_CLASSIFIER_LEARNING_RATE = 1e-3;

/** Adam whose learning rate can change between steps (tfjs keeps it in a protected field). */
interface ScheduledAdam extends Optimizer {
  setLearningRate(learningRate: number): void;
}

function createScheduledAdam(learningRate: number): ScheduledAdam {
  class AdamWithSchedule extends tf.AdamOptimizer {
    setLearningRate(value: number): void {
      this.learningRate = value;
    }
  }
  return new AdamWithSchedule(learningRate, 0.9, 0.999);
}

/** Yields to the event loop so progress output and notebook displays can update. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs the layers of `model` on a batch in training mode, applying dropout after the feature
 * layer with a seed of its own, so every step draws a different, reproducible dropout mask.
 */
function forwardWithDropout(model: LayersModel, images: Tensor, dropoutRate: number, dropoutSeed: number): Tensor {
  let output = images;
  for (const layer of model.layers) {
    output = layer.apply(output, { training: true }) as Tensor;
    if (layer.name === FEATURE_LAYER_NAME && dropoutRate > 0) output = tf.dropout(output, dropoutRate, undefined, dropoutSeed);
  }
  return output;
}

/**
 * Trains a classifier built by `buildClassifier` with Adam on softmax cross-entropy. Each epoch
 * visits the images in an order drawn from the seed, so the same seed, data, backend and thread
 * count give the same weights.
 */
export async function trainClassifier(
  model: LayersModel,
  data: LabelledImages,
  numClasses: number,
  options: TrainClassifierOptions,
): Promise<TrainClassifierResult> {
  const batchSize = options.batchSize ?? DEFAULT_CLASSIFIER_BATCH_SIZE;
  const dropoutRate = options.dropoutRate ?? 0;
  const maxShiftPx = options.maxShiftPx ?? 0;
  if (data.count === 0) throw new SynganError('cannot train a classifier on an empty dataset', { hint: 'pass at least one labelled image' });
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new SynganError(`invalid epochs ${options.epochs}`, { hint: 'epochs must be a positive integer' });
  }
  for (let i = 0; i < data.count; i += 1) {
    if (data.labels[i] >= numClasses) {
      throw new SynganError(`label ${data.labels[i]} of image ${i} is out of range for ${numClasses} classes`,
        { hint: 'check that the dataset labels are class indices 0..numClasses-1' });
    }
  }

  const learningRate = options.learningRate ?? DEFAULT_CLASSIFIER_LEARNING_RATE;
  const optimizer = createScheduledAdam(learningRate);
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const progress = new ProgressTracker(options.label ?? 'train classifier', stepsPerEpoch * options.epochs, 'step', options.onProgress);
  const startMs = Date.now();
  let step = 0;
  let lastEpochLoss = Number.NaN;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      optimizer.setLearningRate(learningRate * (options.learningRateDecay ?? 1) ** epoch);
      const order = new Random(deriveSeed(options.seed, `shuffle/epoch-${epoch}`)).permutation(data.count);
      const shiftRandom = new Random(deriveSeed(options.seed, `shift/epoch-${epoch}`));
      let lossSum = 0;
      for (let start = 0; start < data.count; start += batchSize) {
        const indices = order.subarray(start, Math.min(data.count, start + batchSize));
        const dropoutSeed = deriveSeed(options.seed, `dropout/step-${step}`);
        const loss = tf.tidy(() => {
          const images = maxShiftPx > 0 ? shiftedImagesToBatch(data, indices, maxShiftPx, shiftRandom) : imagesToBatch(data, indices);
          const targets = tf.oneHot(tf.tensor1d(labelsAt(data, indices), 'int32'), numClasses);
          return optimizer.minimize(() => {
            const logits = forwardWithDropout(model, images, dropoutRate, dropoutSeed);
            return tf.losses.softmaxCrossEntropy(targets, logits) as Scalar;
          }, true) as Scalar;
        });
        const lossValue = loss.dataSync()[0];
        loss.dispose();
        lossSum += lossValue * indices.length;
        step += 1;
        progress.tick(1, { epoch: epoch + 1, loss: lossValue });
        if (step % 20 === 0) await yieldToEventLoop();
      }
      lastEpochLoss = lossSum / data.count;
      await options.onEpochEnd?.(epoch, model);
    }
  } finally {
    optimizer.dispose();
  }
  progress.finish({ loss: lastEpochLoss });
  return { steps: step, lastEpochLoss, elapsedMs: Date.now() - startMs };
}

/** Predicts class indices for every image of `data` (`batchSize` images per forward pass). */
export function predictLabels(model: LayersModel, data: LabelledImages, batchSize = 500): Uint8Array {
  const predictions = new Uint8Array(data.count);
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(data.count, start + batchSize);
    const labels = tf.tidy(() => (model.predict(imagesToBatch(data, { start, end })) as Tensor).argMax(-1));
    predictions.set(labels.dataSync() as Int32Array, start);
    labels.dispose();
  }
  return predictions;
}

/** Compares predicted with true labels: overall and per-class accuracy. */
export function accuracyOf(predicted: Uint8Array, truth: Uint8Array, numClasses: number): ClassifierAccuracy {
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  let correctAll = 0;
  for (let i = 0; i < truth.length; i += 1) {
    total[truth[i]] += 1;
    if (predicted[i] === truth[i]) {
      correct[truth[i]] += 1;
      correctAll += 1;
    }
  }
  return {
    accuracy: truth.length > 0 ? correctAll / truth.length : Number.NaN,
    perClassAccuracy: total.map((count, k) => (count > 0 ? correct[k] / count : Number.NaN)),
    count: truth.length,
  };
}

/** Accuracy of `model` on labelled images. */
export function evaluateClassifier(model: LayersModel, data: LabelledImages, numClasses: number): ClassifierAccuracy {
  return accuracyOf(predictLabels(model, data), data.labels.subarray(0, data.count), numClasses);
}
