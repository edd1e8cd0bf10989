import type { Tensor } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { leakyRelu } from './native-kernels';
import { BatchNorm, Conv2d, ConvTranspose2d, Dense, Dropout, ForwardContext } from './layers';
import type { Network } from './network';
import { ParameterStore } from './parameters';

// The reference DCGAN of the speed comparison with Keras 3 and PyTorch (the TensorFlow DCGAN
// tutorial's shape) for 28×28×1 images and a 100-d latent vector. Keras defaults: Glorot-uniform
// kernels, batch-norm momentum 0.99 and epsilon 1e-3. Trainable parameters: G 2,305,473, D 212,865.

/** Latent size of the reference DCGAN. */
export const REFERENCE_LATENT_DIM = 100;

/**
 * Reference generator: z(100) → dense 7·7·256 (no bias) → BN → LeakyReLU 0.2 → reshape 7×7×256 →
 * 5×5 transposed conv 128, stride 1 (no bias) → BN → LeakyReLU → 5×5 transposed conv 64, stride 2
 * (no bias) → BN → LeakyReLU → 5×5 transposed conv 1, stride 2, tanh. Output [batch, 28, 28, 1].
 */
export function buildReferenceGenerator(seed: number): Network {
  const store = new ParameterStore(seed);
  const dense = new Dense(store, 'dense', REFERENCE_LATENT_DIM, 7 * 7 * 256, { bias: false });
  const bn0 = new BatchNorm(store, 'bn0', 7 * 7 * 256, 0.99, 1e-3);
  const up1 = new ConvTranspose2d(store, 'up1', 5, 256, 128, 1, { bias: false });
  const bn1 = new BatchNorm(store, 'bn1', 128, 0.99, 1e-3);
  const up2 = new ConvTranspose2d(store, 'up2', 5, 128, 64, 2, { bias: false });
  const bn2 = new BatchNorm(store, 'bn2', 64, 0.99, 1e-3);
  const up3 = new ConvTranspose2d(store, 'up3', 5, 64, 1, 2);

  return {
    role: 'generator',
    store,
    spectralNorms: [],
    apply(z: Tensor, ctx: ForwardContext): Tensor {
      let x: Tensor = leakyRelu(bn0.apply(dense.apply(z, ctx), ctx), 0.2);
      x = tf.reshape(x, [-1, 7, 7, 256]);
      x = leakyRelu(bn1.apply(up1.apply(x, ctx), ctx), 0.2);
      x = leakyRelu(bn2.apply(up2.apply(x, ctx), ctx), 0.2);
      return tf.tanh(up3.apply(x, ctx));
    },
  };
}

/**
 * Reference discriminator: 5×5 conv 64, stride 2 → LeakyReLU 0.2 → dropout 0.3 → 5×5 conv 128,
 * stride 2 → LeakyReLU → dropout 0.3 → flatten → dense 1 (logit). Output [batch].
 */
export function buildReferenceDiscriminator(seed: number): Network {
  const store = new ParameterStore(seed);
  const conv1 = new Conv2d(store, 'conv1', 5, 1, 64, 2);
  const drop1 = new Dropout('drop1', 0.3);
  const conv2 = new Conv2d(store, 'conv2', 5, 64, 128, 2);
  const drop2 = new Dropout('drop2', 0.3);
  const head = new Dense(store, 'head', 7 * 7 * 128, 1);

  return {
    role: 'discriminator',
    store,
    spectralNorms: [],
    apply(images: Tensor, ctx: ForwardContext): Tensor {
      let x = drop1.apply(leakyRelu(conv1.apply(images, ctx), 0.2), ctx);
      x = drop2.apply(leakyRelu(conv2.apply(x, ctx), 0.2), ctx);
      return tf.reshape(head.apply(tf.reshape(x, [-1, 7 * 7 * 128]), ctx), [-1]);
    },
  };
}
