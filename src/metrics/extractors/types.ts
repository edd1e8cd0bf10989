import type { Tensor4D } from '@tensorflow/tfjs';

import type { FeatureMatrix } from '../feature-matrix';

/** Output of an extractor: the feature vectors or the class probabilities. */
export type ExtractorOutput = 'features' | 'probabilities';

/**
 * A network that maps images to feature vectors (for FID, KID, precision/recall) and to class
 * probabilities (for the Inception Score). Every metric records the `name` of the extractor that
 * produced its inputs, because values from different extractors are not comparable.
 */
export interface FeatureExtractor {
  /** Unique name that changes whenever the features would change, for example `domain-classifier:mnist:0123456789ab`. */
  readonly name: string;
  /** One or two sentences for reports on what the numbers from this extractor can be compared with. */
  readonly note: string;
  /** Length of a feature vector. */
  readonly featureDim: number;
  /** Number of classes in the probability vectors. */
  readonly numClasses: number;
  /**
   * Image size [height, width, channels] the extractor requires, or null when it resizes any
   * input itself.
   */
  readonly inputShape: readonly [number, number, number] | null;
  /** Feature vectors of float32 images [n, h, w, c] scaled to [-1, 1]; returns an n × featureDim matrix. */
  features(images: Tensor4D): FeatureMatrix;
  /** Softmax class probabilities of float32 images [n, h, w, c] in [-1, 1]; returns an n × numClasses matrix. */
  probabilities(images: Tensor4D): FeatureMatrix;
  /** Frees the weights. */
  dispose(): void;
}
