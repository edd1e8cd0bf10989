import { loadDataset, selectImages } from '../../src/data';
import type { ImageDataset } from '../../src/data/types';
import { Family, buildModels, isConditional } from '../../src/models';
import { GanHyperparameters, GanTrainer } from '../../src/training';

let mnist: ImageDataset | undefined;

/** The first `count` images of the real MNIST training split. */
export function mnistSubset(count: number): ImageDataset {
  mnist ??= loadDataset('mnist', 'train');
  return selectImages(mnist, Array.from({ length: count }, (_, i) => i));
}

/** Hyperparameters of a family's defaults, scaled down for tests. */
export function tinyHyperparameters(family: Family, overrides: Partial<GanHyperparameters> = {}): GanHyperparameters {
  const base: GanHyperparameters = {
    loss: 'non-saturating', batchSize: 8, latentDim: 16, numClasses: isConditional(family) ? 10 : 0,
    optimizer: 'adam', lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0,
    ema: { enabled: false, decay: 0.99 }, seed: 7,
  };
  if (family === 'wgan') Object.assign(base, { loss: 'wasserstein', optimizer: 'rmsprop', lrG: 5e-5, lrD: 5e-5, nCritic: 2, clip: 0.01 });
  if (family === 'wgan-gp') Object.assign(base, { loss: 'wasserstein', lrG: 1e-4, lrD: 1e-4, betas: [0, 0.9], nCritic: 2, gpLambda: 10 });
  if (family === 'sngan') Object.assign(base, { loss: 'hinge' });
  if (family === 'reference-dcgan') Object.assign(base, { latentDim: 100 });
  return { ...base, ...overrides };
}

/** A trainer of `family` with a small width for 28×28×1 images. */
export function tinyTrainer(family: Family, overrides: Partial<GanHyperparameters> = {}, width = 8): GanTrainer {
  const hyper = tinyHyperparameters(family, overrides);
  const models = buildModels(family, {
    image: { height: 28, width: 28, channels: 1 }, latentDim: hyper.latentDim, width, numClasses: 10, seed: hyper.seed,
  });
  return new GanTrainer(models, hyper);
}
