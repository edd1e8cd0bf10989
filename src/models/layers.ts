import type { Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { deriveSeed } from '../core/random';
import { Initializer, ParameterStore, TensorMap } from './parameters';
import { hasNativeBatchNorm, nativeBatchNormTraining } from './native-batch-norm';
import { matMul } from './native-kernels';
import { seededDropout } from './random-ops';

/** Batch statistic that a training-mode forward pass folds into a moving average later. */
export interface StateUpdate {
  variable: Variable;
  /** Batch statistic of this forward pass (kept alive until the update is applied). */
  batchValue: Tensor;
  /** Moving-average momentum: new = momentum × old + (1 − momentum) × batchValue. */
  momentum: number;
}

/** Settings of one forward pass. */
export interface ForwardContext {
  /** Training mode: batch statistics in batch norm, dropout on. */
  training: boolean;
  /** Seed of this forward pass; dropout layers derive their own seeds from it and their names. */
  seed?: number;
  /** Weights to use in place of the live trainable variables (for example the EMA generator). */
  weights?: TensorMap;
  /** State to use in place of the live state variables (for example the EMA generator's). */
  state?: TensorMap;
  /** Destination of training-mode batch-norm statistics; without it no moving average changes. */
  stateUpdates?: StateUpdate[];
}

/** Folds pending batch statistics into their moving averages, in order, and frees them. */
export function applyStateUpdates(updates: StateUpdate[]): void {
  for (const update of updates) {
    const { variable, batchValue, momentum } = update;
    tf.tidy(() => {
      variable.assign(tf.add(tf.mul(variable, momentum), tf.mul(batchValue, 1 - momentum)));
    });
    batchValue.dispose();
  }
  updates.length = 0;
}

function weightOf(ctx: ForwardContext, name: string, variable: Variable): Tensor {
  return ctx.weights?.[name] ?? variable;
}

function stateOf(ctx: ForwardContext, name: string, variable: Variable): Tensor {
  return ctx.state?.[name] ?? variable;
}

/**
 * Spectral normalisation (Miyato et al. 2018) of a kernel whose last axis is the output axis:
 * the kernel, viewed as a matrix [fanIn, units], is divided by an estimate of its largest
 * singular value σ. The estimate comes from one power iteration per training update on a
 * persistent vector u (seeded); σ = vᵀ W u with u and v held constant, so the gradient flows
 * through W only.
 */
export class SpectralNorm {
  readonly u: Variable;
  readonly v: Variable;

  constructor(store: ParameterStore, readonly name: string, readonly kernel: Variable) {
    const units = kernel.shape[kernel.shape.length - 1];
    const fanIn = kernel.size / units;
    // u starts as a seeded random unit vector; v is filled in by the first power iteration.
    this.u = store.stateVariable(`${name}/sn_u`, [units, 1], { kind: 'normal', mean: 0, stddev: 1 });
    this.v = store.stateVariable(`${name}/sn_v`, [fanIn, 1], { kind: 'zeros' });
    tf.tidy(() => this.u.assign(l2Normalize(this.u as Tensor2D)));
    this.powerIteration();
  }

  /** Runs `iterations` power-iteration steps on the live kernel and stores u and v. */
  powerIteration(iterations = 1): void {
    tf.tidy(() => {
      const matrix = this.matrix(this.kernel);
      let u = this.u as Tensor2D;
      let v = this.v as Tensor2D;
      for (let i = 0; i < iterations; i += 1) {
        v = l2Normalize(tf.matMul(matrix, u));
        u = l2Normalize(tf.matMul(matrix, v, true, false));
      }
      this.v.assign(v);
      this.u.assign(u);
    });
  }

  /** Estimates the kernel's largest singular value as σ = vᵀ W u (a scalar tensor). */
  sigma(kernel: Tensor): Tensor {
    return tf.sum(tf.mul(this.v, tf.matMul(this.matrix(kernel), this.u)));
  }

  /** Divides the kernel by σ. */
  normalize(kernel: Tensor): Tensor {
    return tf.div(kernel, this.sigma(kernel));
  }

  private matrix(kernel: Tensor): Tensor2D {
    const units = kernel.shape[kernel.shape.length - 1];
    return tf.reshape(kernel, [kernel.size / units, units]) as Tensor2D;
  }
}

function l2Normalize(x: Tensor2D): Tensor2D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12)) as Tensor2D;
}

/** Options shared by dense and convolution layers. */
export interface KernelOptions {
  bias?: boolean;
  init?: Initializer;
  spectralNorm?: boolean;
}

abstract class KernelLayer {
  readonly kernel: Variable;
  readonly bias?: Variable;
  readonly spectralNorm?: SpectralNorm;

  constructor(store: ParameterStore, readonly name: string, kernelShape: number[], units: number, options: KernelOptions) {
    this.kernel = store.weight(`${name}/kernel`, kernelShape, options.init ?? { kind: 'glorotUniform' });
    if (options.bias ?? true) this.bias = store.weight(`${name}/bias`, [units], { kind: 'zeros' });
    if (options.spectralNorm) this.spectralNorm = new SpectralNorm(store, name, this.kernel);
  }

  protected kernelFor(ctx: ForwardContext): Tensor {
    const kernel = weightOf(ctx, `${this.name}/kernel`, this.kernel);
    return this.spectralNorm ? this.spectralNorm.normalize(kernel) : kernel;
  }

  protected biasFor(ctx: ForwardContext): Tensor | undefined {
    return this.bias ? weightOf(ctx, `${this.name}/bias`, this.bias) : undefined;
  }
}

/** Fully connected layer: [batch, inUnits] → [batch, units]. */
export class Dense extends KernelLayer {
  constructor(store: ParameterStore, name: string, inUnits: number, readonly units: number, options: KernelOptions = {}) {
    super(store, name, [inUnits, units], units, options);
  }

  apply(x: Tensor, ctx: ForwardContext): Tensor2D {
    const y = matMul(x as Tensor2D, this.kernelFor(ctx) as Tensor2D);
    const bias = this.biasFor(ctx);
    return bias ? tf.add(y, bias) : y;
  }
}

/** 2-D convolution, "same" padding: [batch, h, w, inChannels] → [batch, h/stride, w/stride, filters]. */
export class Conv2d extends KernelLayer {
  constructor(store: ParameterStore, name: string, readonly kernelSize: number, inChannels: number,
    readonly filters: number, readonly stride: number, options: KernelOptions = {}) {
    super(store, name, [kernelSize, kernelSize, inChannels, filters], filters, options);
  }

  apply(x: Tensor, ctx: ForwardContext): Tensor4D {
    const y = tf.conv2d(x as Tensor4D, this.kernelFor(ctx) as Tensor4D, this.stride, 'same');
    const bias = this.biasFor(ctx);
    return bias ? tf.add(y, bias) : y;
  }
}

/**
 * 2-D transposed convolution, "same" padding: [batch, h, w, inChannels] →
 * [batch, h × stride, w × stride, filters]. The kernel is [k, k, filters, inChannels].
 */
export class ConvTranspose2d extends KernelLayer {
  constructor(store: ParameterStore, name: string, readonly kernelSize: number, inChannels: number,
    readonly filters: number, readonly stride: number, options: KernelOptions = {}) {
    super(store, name, [kernelSize, kernelSize, filters, inChannels], filters, options);
  }

  apply(x: Tensor, ctx: ForwardContext): Tensor4D {
    const [batch, height, width] = x.shape;
    const outShape: [number, number, number, number] = [batch, height! * this.stride, width! * this.stride, this.filters];
    const y = tf.conv2dTranspose(x as Tensor4D, this.kernelFor(ctx) as Tensor4D, outShape, this.stride, 'same');
    const bias = this.biasFor(ctx);
    return bias ? tf.add(y, bias) : y;
  }
}

/** Kernel choice for training-mode batch norm; set `native` to false to use tfjs's element-wise ops. */
export const batchNormSettings = { native: true };

/**
 * Batch normalisation over every axis but the last (channels). Training mode normalises with the
 * batch mean and biased variance and records the batch statistics for the moving averages;
 * inference mode uses the moving averages. On the native backend training mode runs TensorFlow's
 * fused kernels, whose recorded variance is Bessel-corrected (n / (n − 1)) as in Keras. The tfjs
 * ops used elsewhere record the biased variance.
 */
export class BatchNorm {
  readonly gamma: Variable;
  readonly beta: Variable;
  readonly movingMean: Variable;
  readonly movingVariance: Variable;

  constructor(store: ParameterStore, readonly name: string, channels: number, readonly momentum = 0.9, readonly epsilon = 1e-3) {
    this.gamma = store.weight(`${name}/gamma`, [channels], { kind: 'ones' });
    this.beta = store.weight(`${name}/beta`, [channels], { kind: 'zeros' });
    this.movingMean = store.stateVariable(`${name}/moving_mean`, [channels], { kind: 'zeros' });
    this.movingVariance = store.stateVariable(`${name}/moving_variance`, [channels], { kind: 'ones' });
  }

  apply(x: Tensor, ctx: ForwardContext): Tensor {
    const gamma = weightOf(ctx, `${this.name}/gamma`, this.gamma);
    const beta = weightOf(ctx, `${this.name}/beta`, this.beta);
    if (!ctx.training) {
      const mean = stateOf(ctx, `${this.name}/moving_mean`, this.movingMean);
      const variance = stateOf(ctx, `${this.name}/moving_variance`, this.movingVariance);
      return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
    }

    if (batchNormSettings.native && hasNativeBatchNorm()) {
      const channels = x.shape[x.rank - 1];
      const input = x.rank === 4 ? x : tf.reshape(x, [-1, 1, 1, channels]);
      const { y, mean, variance } = nativeBatchNormTraining(input, gamma, beta, this.epsilon);
      this.recordStatistics(ctx, mean, variance);
      return x.rank === 4 ? y : tf.reshape(y, x.shape);
    }

    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(x, axes);
    if (ctx.stateUpdates) this.recordStatistics(ctx, tf.keep(mean), tf.keep(variance));
    return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
  }

  /** Queues kept batch statistics for the moving averages, or frees them when nothing collects them. */
  private recordStatistics(ctx: ForwardContext, mean: Tensor, variance: Tensor): void {
    if (!ctx.stateUpdates) {
      tf.dispose([mean, variance]);
      return;
    }
    ctx.stateUpdates.push({ variable: this.movingMean, batchValue: mean, momentum: this.momentum });
    ctx.stateUpdates.push({ variable: this.movingVariance, batchValue: variance, momentum: this.momentum });
  }
}

/** Inverted dropout with a mask seeded from the forward pass's seed and the layer name. */
export class Dropout {
  constructor(readonly name: string, readonly rate: number) {}

  apply(x: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const seed = deriveSeed(ctx.seed ?? 0, `dropout/${this.name}`);
    return seededDropout(x, this.rate, seed);
  }
}
