import type { Tensor4D } from '@tensorflow/tfjs';

import { SynganError } from '../core/errors';
import { imagesToBatch, type ImageBytes } from '../metrics/extractors/batches';
import type { DomainClassifier } from '../metrics/extractors/classifier';

/** Images as a float32 tensor [n, h, w, c] in [-1, 1], or as bytes in an `ImageDataset`. */
export type ImagesInput = Tensor4D | ImageBytes;

/** Images converted per tensor when labelling bytes. */
const LABEL_BATCH_SIZE = 1000;

function isTensor(images: ImagesInput): images is Tensor4D {
  return 'shape' in images && 'dtype' in images;
}

/**
 * Labels images with the classifier's most probable class, for example to label samples of an
 * unconditional generator. Returns one class index per image.
 */
export function labelWithClassifier(classifier: DomainClassifier, images: ImagesInput): Uint8Array {
  if (isTensor(images)) return classifier.predict(images);
  const labels = new Uint8Array(images.count);
  for (let start = 0; start < images.count; start += LABEL_BATCH_SIZE) {
    const batch = imagesToBatch(images, { start, end: Math.min(images.count, start + LABEL_BATCH_SIZE) });
    try {
      labels.set(classifier.predict(batch), start);
    } finally {
      batch.dispose();
    }
  }
  return labels;
}

/** How often a conditional generator's samples are recognised as the class that was requested. */
export interface ConditionalAccuracy {
  /** Fraction of all samples classified as their requested class, 0..1. */
  accuracy: number;
  /** The same fraction per requested class; NaN for a class that was never requested. */
  perClass: number[];
  /** Samples per requested class. */
  countPerClass: number[];
  count: number;
  /** Name of the classifier that judged the samples. */
  extractor: string;
}

/**
 * Classifies conditional samples and compares each label with the class requested for it
 * (`requestedLabels[i]` for image i).
 */
export function conditionalAccuracy(classifier: DomainClassifier, images: ImagesInput, requestedLabels: ArrayLike<number>): ConditionalAccuracy {
  const count = isTensor(images) ? images.shape[0] : images.count;
  if (requestedLabels.length !== count) {
    throw new SynganError(`conditional accuracy: ${count} images but ${requestedLabels.length} requested labels`,
      { hint: 'pass one requested class index per image' });
  }
  const numClasses = classifier.numClasses;
  for (let i = 0; i < count; i += 1) {
    const label = requestedLabels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new SynganError(`conditional accuracy: requested label ${label} of image ${i} is not a class index of ${classifier.name}`,
        { hint: `requested labels must be integers 0..${numClasses - 1}` });
    }
  }

  const predicted = labelWithClassifier(classifier, images);
  const correctPerClass = new Array<number>(numClasses).fill(0);
  const countPerClass = new Array<number>(numClasses).fill(0);
  let correct = 0;
  for (let i = 0; i < count; i += 1) {
    const requested = requestedLabels[i];
    countPerClass[requested] += 1;
    if (predicted[i] === requested) {
      correctPerClass[requested] += 1;
      correct += 1;
    }
  }
  return {
    accuracy: count > 0 ? correct / count : Number.NaN,
    perClass: countPerClass.map((n, k) => (n > 0 ? correctPerClass[k] / n : Number.NaN)),
    countPerClass,
    count,
    extractor: classifier.name,
  };
}
