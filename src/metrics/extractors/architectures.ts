import type { LayersModel } from '@tensorflow/tfjs';

import { tf } from '../../core/backend';
import { SynganError } from '../../core/errors';
import { deriveSeed } from '../../core/random';

/**
 * A fixed classifier network: two 5×5 valid convolutions with ReLU, each followed by 2×2 max
 * pooling, then a dense ReLU layer named `features` and a linear layer named `logits`. Dropout
 * sits between the two dense layers during training only. The training loop applies it with a
 * seed per step, so the saved model contains no dropout layer.
 */
export interface ClassifierArchitecture {
  name: string;
  /** Bumped whenever the layers or their initialisers change, so cached models are retrained. */
  version: number;
  conv1Filters: number;
  conv2Filters: number;
  featureUnits: number;
  dropoutRate: number;
}

/** The domain classifier behind FID, KID, IS and labelling: 32 and 64 filters, 128 features. */
export const DOMAIN_CLASSIFIER_ARCHITECTURE: ClassifierArchitecture = {
  name: 'cnn5x5-32-64-128', version: 1, conv1Filters: 32, conv2Filters: 64, featureUnits: 128, dropoutRate: 0.5,
};

/**
 * The smaller classifier of the train-on-synthetic experiment: 16 and 32 filters, 64 features.
 * It differs from the domain classifier on purpose, so that the experiment does not measure how
 * well synthetic data fits the network that labelled it.
 */
export const DOWNSTREAM_CLASSIFIER_ARCHITECTURE: ClassifierArchitecture = {
  name: 'cnn5x5-16-32-64', version: 1, conv1Filters: 16, conv2Filters: 32, featureUnits: 64, dropoutRate: 0.25,
};

/** Name of the penultimate (feature) layer in every classifier built here. */
export const FEATURE_LAYER_NAME = 'features';

/** Smallest image side the two convolution and pooling stages accept (16 → 12 → 6 → 2 → 1). */
export const MIN_CLASSIFIER_IMAGE_SIZE = 16;

/**
 * Builds an untrained classifier for images [h, w, c] in [-1, 1] with `numClasses` outputs
 * (logits). Every initialiser takes a seed derived from `seed`, so the same seed gives the same
 * initial weights.
 */
export function buildClassifier(
  architecture: ClassifierArchitecture,
  inputShape: readonly [number, number, number],
  numClasses: number,
  seed: number,
): LayersModel {
  const [height, width, channels] = inputShape;
  if (height < MIN_CLASSIFIER_IMAGE_SIZE || width < MIN_CLASSIFIER_IMAGE_SIZE) {
    throw new SynganError(`images of ${height}×${width} are too small for classifier ${architecture.name}`,
      { hint: `use images of at least ${MIN_CLASSIFIER_IMAGE_SIZE}×${MIN_CLASSIFIER_IMAGE_SIZE} pixels` });
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new SynganError(`a classifier needs at least 2 classes, got ${numClasses}`, { hint: 'check the dataset labels' });
  }

  const heNormal = (purpose: string) => tf.initializers.heNormal({ seed: deriveSeed(seed, `init/${purpose}`) });
  const glorotUniform = (purpose: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, `init/${purpose}`) });
  const model = tf.sequential({ name: architecture.name.replace(/[^A-Za-z0-9_]/g, '_') });
  model.add(tf.layers.conv2d({
    inputShape: [height, width, channels], filters: architecture.conv1Filters, kernelSize: 5, activation: 'relu',
    kernelInitializer: heNormal('conv1'), name: 'conv1',
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(tf.layers.conv2d({
    filters: architecture.conv2Filters, kernelSize: 5, activation: 'relu', kernelInitializer: heNormal('conv2'), name: 'conv2',
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({
    units: architecture.featureUnits, activation: 'relu', kernelInitializer: heNormal('features'), name: FEATURE_LAYER_NAME,
  }));
  model.add(tf.layers.dense({ units: numClasses, kernelInitializer: glorotUniform('logits'), name: 'logits' }));
  return model;
}
