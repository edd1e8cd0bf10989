import { deriveSeed } from '../core/random';
import { DCGAN_INIT, buildConvDiscriminator, buildConvGenerator } from './conv-networks';
import type { ImageShape, Network } from './network';
import { REFERENCE_LATENT_DIM, buildReferenceDiscriminator, buildReferenceGenerator } from './reference-dcgan';

/** The GAN families syngan trains. */
export const FAMILIES = ['dcgan', 'wgan', 'wgan-gp', 'cgan', 'sngan', 'reference-dcgan'] as const;
export type Family = (typeof FAMILIES)[number];

/** True when `name` is one of `FAMILIES`. */
export function isFamily(name: string): name is Family {
  return (FAMILIES as readonly string[]).includes(name);
}

/** True for families whose generator takes a class label (so it produces a requested class). */
export function isConditional(family: Family): boolean {
  return family === 'cgan';
}

/** Builder inputs: image shape, latent size, base width, classes, and the experiment seed. */
export interface ModelOptions {
  image: ImageShape;
  latentDim: number;
  width: number;
  numClasses: number;
  seed: number;
}

/** A generator and a discriminator (critic) of one family. */
export interface GanModels {
  generator: Network;
  discriminator: Network;
}

/**
 * Builds the generator and discriminator of `family` with seeds derived from `options.seed`
 * ("init/generator", "init/discriminator"):
 * - dcgan: BN in G and in D's second block, N(0, 0.02) kernels;
 * - wgan: the same networks, D used as a critic (no sigmoid anywhere: losses take raw scores);
 * - wgan-gp: no batch norm in the critic, since the penalty is per-sample;
 * - cgan: class one-hot into G, projection discriminator;
 * - sngan: spectral norm on every critic kernel, no batch norm in it;
 * - reference-dcgan: the fixed benchmark model (28×28×1, latent 100; width is ignored).
 */
export function buildModels(family: Family, options: ModelOptions): GanModels {
  const generatorSeed = deriveSeed(options.seed, 'init/generator');
  const discriminatorSeed = deriveSeed(options.seed, 'init/discriminator');
  if (family === 'reference-dcgan') {
    const { height, width, channels } = options.image;
    if (height !== 28 || width !== 28 || channels !== 1 || options.latentDim !== REFERENCE_LATENT_DIM) {
      throw new Error(`reference-dcgan is fixed to 28×28×1 images and latent size ${REFERENCE_LATENT_DIM}`);
    }
    return { generator: buildReferenceGenerator(generatorSeed), discriminator: buildReferenceDiscriminator(discriminatorSeed) };
  }

  const numClasses = isConditional(family) ? options.numClasses : 0;
  const shared = { image: options.image, latentDim: options.latentDim, width: options.width, numClasses, init: DCGAN_INIT };
  const generator = buildConvGenerator({ ...shared, seed: generatorSeed });
  const discriminator = buildConvDiscriminator({
    ...shared,
    seed: discriminatorSeed,
    batchNorm: family === 'dcgan' || family === 'wgan',
    spectralNorm: family === 'sngan',
  });
  return { generator, discriminator };
}
