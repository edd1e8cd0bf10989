import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../core/backend';

/** Loss family: the formulas that turn discriminator outputs into losses. */
export type LossKind = 'non-saturating' | 'wasserstein' | 'hinge';

/**
 * Discriminator loss from its outputs on real and fake images ([batch] each):
 * - non-saturating: sigmoid cross-entropy on logits, mean softplus(−real) + mean softplus(fake);
 * - wasserstein: mean(fake) − mean(real) (the critic maximises the gap);
 * - hinge: mean relu(1 − real) + mean relu(1 + fake).
 */
export function discriminatorLoss(kind: LossKind, realScores: Tensor, fakeScores: Tensor): Scalar {
  switch (kind) {
    case 'non-saturating':
      return tf.add(tf.mean(tf.softplus(tf.neg(realScores))), tf.mean(tf.softplus(fakeScores)));
    case 'wasserstein':
      return tf.sub(tf.mean(fakeScores), tf.mean(realScores));
    case 'hinge':
      return tf.add(tf.mean(tf.relu(tf.sub(1, realScores))), tf.mean(tf.relu(tf.add(1, fakeScores))));
  }
}

/**
 * Generator loss from the discriminator's outputs on fake images [batch]: the non-saturating
 * loss mean softplus(−fake) (= cross-entropy against the "real" label), or −mean(fake) for the
 * Wasserstein and hinge families.
 */
export function generatorLoss(kind: LossKind, fakeScores: Tensor): Scalar {
  if (kind === 'non-saturating') return tf.mean(tf.softplus(tf.neg(fakeScores)));
  return tf.neg(tf.mean(fakeScores)) as Scalar;
}

/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017): λ · mean over the batch of (‖∇ₓ D(x̂)‖₂ − 1)²
 * at x̂ = ε·real + (1 − ε)·fake, with ε ~ U[0, 1) per image drawn from `seed`. `critic` maps
 * images [batch, h, w, c] to scores [batch]. Called inside a gradient tape, the result is
 * differentiable with respect to the critic's weights (a gradient of a gradient), which needs
 * `registerComparisonGradients()` when the critic uses LeakyReLU.
 */
export function gradientPenalty(critic: (images: Tensor) => Tensor, real: Tensor4D, fake: Tensor4D,
  lambda: number, seed: number): Scalar {
  const epsilon = tf.randomUniform([real.shape[0], 1, 1, 1], 0, 1, 'float32', seed);
  const interpolates = tf.add(tf.mul(epsilon, real), tf.mul(tf.sub(1, epsilon), fake));
  return penaltyAt(critic, interpolates, lambda);
}

/** λ · mean over the batch of (‖∇ₓ critic(x)‖₂ − 1)², for inputs of any rank ≥ 2 ([batch, ...]). */
export function penaltyAt(critic: (inputs: Tensor) => Tensor, inputs: Tensor, lambda: number): Scalar {
  const inputGradient = tf.grad((x: Tensor) => tf.sum(critic(x)))(inputs);
  const axes = inputGradient.shape.map((_, i) => i).slice(1);
  // The small constant keeps the square root's gradient finite when the input gradient is zero.
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(inputGradient), axes), 1e-12));
  return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), lambda);
}
