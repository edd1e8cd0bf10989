import type { Tensor } from '@tensorflow/tfjs';

import type { ForwardContext, SpectralNorm } from './layers';
import type { ParameterStore } from './parameters';

/** Height, width and channels of the images a model makes or judges. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * A generator or discriminator built from raw variables. `apply` takes a batch and, for
 * class-conditional models, int32 class indices [batch]:
 * - generator: latent vectors [batch, latentDim] → images [batch, height, width, channels] in [-1, 1];
 * - discriminator (critic): images → one logit or score per image, [batch].
 */
export interface Network {
  readonly role: 'generator' | 'discriminator';
  readonly store: ParameterStore;
  /** Spectral-norm wrappers, whose power iteration runs once per discriminator update. */
  readonly spectralNorms: SpectralNorm[];
  apply(input: Tensor, ctx: ForwardContext, labels?: Tensor): Tensor;
}

/** Frees a network's variables. */
export function disposeNetwork(network: Network): void {
  network.store.dispose();
}
