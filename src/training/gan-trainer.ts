import type { Scalar, Tensor, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { Random, deriveSeed } from '../core/random';
import { ForwardContext, StateUpdate, applyStateUpdates } from '../models/layers';
import type { GanModels, Network } from '../models';
import { WeightAverage } from './ema';
import { registerComparisonGradients } from './gradients';
import { LossKind, discriminatorLoss, generatorLoss, gradientPenalty } from './losses';
import { Adam, Optimizer, RmsProp } from './optimizers';

/** The numeric settings of one GAN training run. */
export interface GanHyperparameters {
  loss: LossKind;
  batchSize: number;
  latentDim: number;
  /** Classes the generator is conditioned on; 0 for an unconditional generator. */
  numClasses: number;
  optimizer: 'adam' | 'rmsprop';
  lrG: number;
  lrD: number;
  /** Adam's β1 and β2 (unused by RMSProp). */
  betas: [number, number];
  /** Discriminator (critic) updates per generator update. */
  nCritic: number;
  /** WGAN weight clipping: every critic weight is clipped to [−clip, clip]; null for none. */
  clip: number | null;
  /** WGAN-GP penalty weight λ; 0 for none. */
  gpLambda: number;
  ema: { enabled: boolean; decay: number };
  seed: number;
}

/** One batch of real images in [-1, 1], [batch, h, w, c], with int32 labels [batch] for conditional models. */
export interface RealBatch {
  images: Tensor4D;
  labels?: Tensor1D;
}

/**
 * Figures of one training step (one generator update). Scores are D's mean outputs on real
 * and generated images: probabilities (sigmoid of the logits) for the non-saturating loss, raw
 * critic scores otherwise. Null where the figure does not apply to the family.
 */
export interface StepMetrics {
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
  gradientPenalty: number | null;
  /** Critic estimate of the Wasserstein distance, mean D(x) − mean D(G(z)), for WGAN families. */
  wasserstein: number | null;
}

interface DiscriminatorFigures {
  loss: Scalar;
  realMean: Scalar;
  fakeMean: Scalar;
  penalty: Scalar;
}

/**
 * Owns the networks, optimizers and EMA of one GAN and runs training steps. One step is
 * `nCritic` discriminator updates, each on its own real batch and its own latent batch, then one
 * generator update through the updated discriminator. The last discriminator update and the
 * generator update share one generator forward pass. Every random draw takes a seed derived
 * from (seed, step), so a resumed run repeats an uninterrupted one exactly.
 */
export class GanTrainer {
  readonly optimizerG: Optimizer;
  readonly optimizerD: Optimizer;
  readonly ema?: WeightAverage;
  private readonly generatorVariables: Variable[];
  private readonly discriminatorVariables: Variable[];
  private readonly localNames = new Map<string, string>();
  private readonly stateUpdates: StateUpdate[] = [];

  constructor(readonly models: GanModels, readonly hyper: GanHyperparameters) {
    if (hyper.gpLambda > 0) registerComparisonGradients();
    const { generator, discriminator } = models;
    this.generatorVariables = [...generator.store.trainable.values()];
    this.discriminatorVariables = [...discriminator.store.trainable.values()];
    for (const store of [generator.store, discriminator.store]) {
      for (const [name, variable] of store.trainable) this.localNames.set(variable.name, name);
    }
    this.optimizerG = this.makeOptimizer(generator, hyper.lrG);
    this.optimizerD = this.makeOptimizer(discriminator, hyper.lrD);
    if (hyper.ema.enabled) this.ema = new WeightAverage(generator.store, hyper.ema.decay);
  }

  get generator(): Network {
    return this.models.generator;
  }

  get discriminator(): Network {
    return this.models.discriminator;
  }

  /** Real batches one step consumes. */
  get batchesPerStep(): number {
    return this.hyper.nCritic;
  }

  /** Runs training step number `step` (0-based) on `nCritic` real batches and returns its figures. */
  step(batches: RealBatch[], step: number): StepMetrics {
    if (batches.length !== this.hyper.nCritic) {
      throw new Error(`a step needs ${this.hyper.nCritic} real batches, got ${batches.length}`);
    }
    const figures = tf.tidy(() => {
      for (let k = 0; k < batches.length - 1; k += 1) {
        tf.tidy(() => {
          const { z, labels } = this.latentBatch(step, k);
          const fake = this.generator.apply(z, { training: true }, labels) as Tensor4D;
          disposeFigures(this.discriminatorUpdate(batches[k], fake, labels, step, k));
        });
      }
      return this.lastUpdates(batches[batches.length - 1], step);
    });
    const values = figures.dataSync();
    figures.dispose();
    applyStateUpdates(this.stateUpdates);
    this.ema?.update(this.optimizerG.iterations);

    const [dLoss, gLoss, dReal, dFake, penalty, wasserstein] = Array.from(values);
    return {
      dLoss, gLoss, dReal, dFake,
      gradientPenalty: this.hyper.gpLambda > 0 ? penalty : null,
      wasserstein: this.hyper.loss === 'wasserstein' ? wasserstein : null,
    };
  }

  /**
   * Generates images [count, h, w, c] in [-1, 1] from latent vectors z [count, latentDim] (and
   * labels [count] for conditional models), in inference mode, with the EMA weights when enabled
   * unless `useEma` is false.
   */
  generate(z: Tensor2D, labels?: Tensor1D, useEma = this.ema !== undefined): Tensor4D {
    const ctx: ForwardContext = { training: false };
    if (useEma && this.ema) {
      ctx.weights = this.ema.weightMap();
      ctx.state = this.ema.stateMap();
    }
    return tf.tidy(() => this.generator.apply(z, ctx, labels) as Tensor4D);
  }

  /** Latent vectors [batch, latentDim] and, for conditional models, uniformly drawn labels for critic update k of a step. */
  latentBatch(step: number, k: number): { z: Tensor2D; labels?: Tensor1D } {
    const { batchSize, latentDim, numClasses, seed } = this.hyper;
    const z = tf.randomNormal([batchSize, latentDim], 0, 1, 'float32', deriveSeed(seed, `noise/${step}/${k}`)) as Tensor2D;
    if (numClasses === 0) return { z };
    const random = new Random(deriveSeed(seed, `labels/${step}/${k}`));
    const labels = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i += 1) labels[i] = random.int(numClasses);
    return { z, labels: tf.tensor1d(labels, 'int32') };
  }

  /**
   * Every variable a checkpoint must hold, by a stable name: weights and state of both networks
   * (batch-norm statistics, spectral-norm vectors), the EMA copy, and the optimizer slots.
   */
  checkpointVariables(): Map<string, Variable> {
    const all = new Map<string, Variable>();
    const add = (prefix: string, variables: Map<string, Variable>): void => {
      for (const [name, variable] of variables) all.set(`${prefix}/${name}`, variable);
    };
    add('generator', this.generator.store.trainable);
    add('generator-state', this.generator.store.state);
    add('discriminator', this.discriminator.store.trainable);
    add('discriminator-state', this.discriminator.store.state);
    if (this.ema) {
      add('ema', this.ema.weights);
      add('ema-state', this.ema.state);
    }
    add('optimizer-generator', this.optimizerG.slotVariables());
    add('optimizer-discriminator', this.optimizerD.slotVariables());
    return all;
  }

  dispose(): void {
    this.optimizerG.dispose();
    this.optimizerD.dispose();
    this.ema?.dispose();
  }

  private makeOptimizer(network: Network, learningRate: number): Optimizer {
    const { optimizer, betas } = this.hyper;
    return optimizer === 'adam'
      ? new Adam(network.store.trainable, learningRate, betas[0], betas[1])
      : new RmsProp(network.store.trainable, learningRate);
  }

  /** Renames gradients from tfjs variable names to the networks' local names. */
  private localize(grads: Record<string, Tensor>): Record<string, Tensor> {
    const local: Record<string, Tensor> = {};
    for (const [name, grad] of Object.entries(grads)) local[this.localNames.get(name)!] = grad;
    return local;
  }

  /**
   * Runs the last discriminator update and the generator update on one generator forward pass.
   * The fake batch x is recorded on the generator's tape, and the discriminator trains on a
   * detached copy of it. Then ∂L/∂x, the gradient of the generator loss through the updated
   * discriminator, is pulled back through the recorded pass as the gradient of sum(x · ∂L/∂x)
   * with ∂L/∂x held constant. Returns the step's figures [6].
   */
  private lastUpdates(real: RealBatch, step: number): Tensor {
    const k = this.hyper.nCritic - 1;
    const { z, labels } = this.latentBatch(step, k);
    let figures: DiscriminatorFigures | undefined;
    let gLoss: Scalar | undefined;

    const { grads } = tf.variableGrads(() => {
      const fake = this.generator.apply(z, { training: true, stateUpdates: this.stateUpdates }, labels) as Tensor4D;
      const fakeDetached = detach(fake);

      figures = this.discriminatorUpdate(real, fakeDetached, labels, step, k);

      const ctx: ForwardContext = { training: true, seed: deriveSeed(this.hyper.seed, `forward/${step}/g`), stateUpdates: this.stateUpdates };
      const lossOfImages = (images: Tensor): Scalar => generatorLoss(this.hyper.loss, this.discriminator.apply(images, ctx, labels));
      const { value, grad } = tf.valueAndGrad(lossOfImages)(fakeDetached);
      gLoss = tf.keep(value);
      return tf.sum(tf.mul(fake, grad));
    }, this.generatorVariables);
    this.optimizerG.apply(this.localize(grads));

    const { loss, realMean, fakeMean, penalty } = figures!;
    const wasserstein = tf.sub(realMean, fakeMean);
    const stacked = tf.stack([loss, gLoss!, realMean, fakeMean, penalty, wasserstein]);
    disposeFigures(figures!);
    gLoss!.dispose();
    return stacked;
  }

  /**
   * Updates the discriminator once on a real batch and a detached fake batch. The returned
   * scalars are kept out of every tidy scope, so the caller disposes them.
   */
  private discriminatorUpdate(real: RealBatch, fake: Tensor4D, fakeLabels: Tensor1D | undefined, step: number, k: number): DiscriminatorFigures {
    const { hyper, discriminator } = this;
    for (const spectralNorm of discriminator.spectralNorms) spectralNorm.powerIteration();

    const seedOf = (purpose: string): number => deriveSeed(hyper.seed, `forward/${step}/${k}/${purpose}`);
    let realMean: Scalar | undefined;
    let fakeMean: Scalar | undefined;
    let penalty: Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const realScores = discriminator.apply(real.images, { training: true, seed: seedOf('real'), stateUpdates: this.stateUpdates }, real.labels);
      const fakeScores = discriminator.apply(fake, { training: true, seed: seedOf('fake'), stateUpdates: this.stateUpdates }, fakeLabels);
      let loss = discriminatorLoss(hyper.loss, realScores, fakeScores);
      if (hyper.gpLambda > 0) {
        const critic = (images: Tensor): Tensor => discriminator.apply(images, { training: true, seed: seedOf('penalty') }, real.labels);
        penalty = tf.keep(gradientPenalty(critic, real.images, fake, hyper.gpLambda, seedOf('interpolation')));
        loss = tf.add(loss, penalty);
      }
      const toFigure = (scores: Tensor): Scalar => (hyper.loss === 'non-saturating' ? tf.mean(tf.sigmoid(scores)) : tf.mean(scores)) as Scalar;
      realMean = tf.keep(toFigure(realScores));
      fakeMean = tf.keep(toFigure(fakeScores));
      return loss;
    }, this.discriminatorVariables);
    this.optimizerD.apply(this.localize(grads));

    if (hyper.clip !== null) {
      const clip = hyper.clip;
      tf.tidy(() => {
        for (const variable of this.discriminatorVariables) variable.assign(tf.clipByValue(variable, -clip, clip));
      });
    }
    return { loss: tf.keep(value), realMean: realMean!, fakeMean: fakeMean!, penalty: penalty ?? tf.keep(tf.scalar(0)) };
  }
}

function disposeFigures(figures: DiscriminatorFigures): void {
  tf.dispose([figures.loss, figures.realMean, figures.fakeMean, figures.penalty]);
}

/**
 * Returns a tensor that shares `x`'s data but has no link to the gradient tape, so gradients
 * stop there (TensorFlow.js 4.22 has no public stop-gradient op). The backend's reference count of the data is
 * raised, so `x` and the copy can be disposed in any order.
 */
export function detach<T extends Tensor>(x: T): T {
  const engine = tf.engine();
  const copy = engine.makeTensorFromDataId(x.dataId, x.shape, x.dtype) as T;
  engine.backend.incRef(x.dataId);
  return copy;
}
