import type { Tensor, Tensor1D } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { leakyRelu } from './native-kernels';
import { BatchNorm, Conv2d, ConvTranspose2d, Dense, ForwardContext, SpectralNorm } from './layers';
import type { ImageShape, Network } from './network';
import { Initializer, ParameterStore } from './parameters';

/** DCGAN initialisation: every kernel from N(0, 0.02). */
export const DCGAN_INIT: Initializer = { kind: 'normal', mean: 0, stddev: 0.02 };

/** Shape options shared by the generator and discriminator builders. */
export interface ConvNetworkOptions {
  image: ImageShape;
  latentDim: number;
  /** Base channel count: the last hidden layer of G and the first of D have `width` channels. */
  width: number;
  /** Number of classes for a class-conditional model, 0 for an unconditional one. */
  numClasses: number;
  seed: number;
  init: Initializer;
}

function baseSize(image: ImageShape): number {
  if (image.height !== image.width || image.height % 4 !== 0) {
    throw new Error(`image must be square with a side divisible by 4, got ${image.height}×${image.width}`);
  }
  return image.height / 4;
}

/**
 * DCGAN-style generator: [z, one-hot class] → dense to (side/4)² × 4·width, batch norm, ReLU →
 * 5×5 stride-2 transposed convolution to 2·width channels, batch norm, ReLU → 5×5 stride-2
 * transposed convolution to the image channels, tanh. 28×28 and 32×32 images give 7×7 and
 * 8×8 starting grids.
 */
export function buildConvGenerator(options: ConvNetworkOptions): Network {
  const { image, latentDim, width, numClasses, init } = options;
  const store = new ParameterStore(options.seed);
  const base = baseSize(image);
  const inputUnits = latentDim + numClasses;

  const dense = new Dense(store, 'dense', inputUnits, base * base * 4 * width, { bias: false, init });
  const bn0 = new BatchNorm(store, 'bn0', base * base * 4 * width);
  const up1 = new ConvTranspose2d(store, 'up1', 5, 4 * width, 2 * width, 2, { bias: false, init });
  const bn1 = new BatchNorm(store, 'bn1', 2 * width);
  const up2 = new ConvTranspose2d(store, 'up2', 5, 2 * width, image.channels, 2, { init });

  return {
    role: 'generator',
    store,
    spectralNorms: [],
    apply(z: Tensor, ctx: ForwardContext, labels?: Tensor): Tensor {
      let x = numClasses > 0 ? tf.concat([z, oneHot(labels, numClasses)], 1) : z;
      x = tf.relu(bn0.apply(dense.apply(x, ctx), ctx));
      x = tf.reshape(x, [-1, base, base, 4 * width]);
      x = tf.relu(bn1.apply(up1.apply(x, ctx), ctx));
      return tf.tanh(up2.apply(x, ctx));
    },
  };
}

/** Discriminator variants: batch norm in the second block, spectral norm on every kernel. */
export interface ConvDiscriminatorOptions extends ConvNetworkOptions {
  batchNorm: boolean;
  spectralNorm: boolean;
}

/**
 * DCGAN-style discriminator (critic): 5×5 stride-2 convolution to `width` channels, LeakyReLU
 * 0.2 → 5×5 stride-2 convolution to 2·width, optional batch norm, LeakyReLU 0.2 → flatten →
 * dense to one logit. Class-conditional models add a projection term ⟨embed(y), h⟩ on the
 * flattened features h (Miyato & Koyama 2018). Output [batch].
 */
export function buildConvDiscriminator(options: ConvDiscriminatorOptions): Network {
  const { image, width, numClasses, init, spectralNorm } = options;
  const store = new ParameterStore(options.seed);
  const base = baseSize(image);
  const featureUnits = base * base * 2 * width;

  const conv1 = new Conv2d(store, 'conv1', 5, image.channels, width, 2, { init, spectralNorm });
  const conv2 = new Conv2d(store, 'conv2', 5, width, 2 * width, 2, { init, spectralNorm, bias: !options.batchNorm });
  const bn2 = options.batchNorm ? new BatchNorm(store, 'bn2', 2 * width) : undefined;
  const head = new Dense(store, 'head', featureUnits, 1, { init, spectralNorm });
  const embedding = numClasses > 0
    ? new Dense(store, 'embedding', numClasses, featureUnits, { init, spectralNorm, bias: false })
    : undefined;

  const spectralNorms = [conv1, conv2, head, embedding]
    .map((layer) => layer?.spectralNorm)
    .filter((sn): sn is SpectralNorm => sn !== undefined);

  return {
    role: 'discriminator',
    store,
    spectralNorms,
    apply(images: Tensor, ctx: ForwardContext, labels?: Tensor): Tensor {
      let x: Tensor = leakyRelu(conv1.apply(images, ctx), 0.2);
      x = conv2.apply(x, ctx);
      if (bn2) x = bn2.apply(x, ctx);
      x = leakyRelu(x, 0.2);
      const features = tf.reshape(x, [-1, featureUnits]);
      let logits = head.apply(features, ctx);
      if (embedding) {
        const projection = tf.sum(tf.mul(embedding.apply(oneHot(labels, numClasses), ctx), features), 1, true);
        logits = tf.add(logits, projection);
      }
      return tf.reshape(logits, [-1]);
    },
  };
}

/** One-hot float32 [batch, numClasses] of int32 class indices; throws when labels are missing. */
export function oneHot(labels: Tensor | undefined, numClasses: number): Tensor {
  if (!labels) throw new Error('this model is class-conditional and needs labels');
  return tf.cast(tf.oneHot(tf.cast(labels, 'int32') as Tensor1D, numClasses), 'float32');
}
