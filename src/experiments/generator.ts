import path from 'node:path';

import type { Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { buildModels, isConditional } from '../models';
import type { ImageShape, Network } from '../models/network';
import { findLatestCheckpoint, readCheckpoint, restoreVariables } from '../training/checkpoint';
import type { ForwardContext } from '../models/layers';
import { TrainConfig } from './config';
import { RunRecord, loadRun } from './run-store';

/** A trained generator loaded from a run folder, ready to sample. */
export interface LoadedGenerator {
  record: RunRecord;
  config: TrainConfig;
  image: ImageShape;
  classNames: string[];
  /** True when the generator takes class labels. */
  conditional: boolean;
  /** True when the EMA weights were loaded (the run trained with EMA enabled). */
  usesEma: boolean;
  latentDim: number;
  /**
   * Images [n, h, w, c] in [-1, 1] from latent vectors z [n, latentDim] and, for conditional
   * generators, int32 labels [n], in inference mode. The caller disposes the result.
   */
  generate(z: Tensor2D, labels?: Tensor1D): Tensor4D;
  dispose(): void;
}

/**
 * Loads the generator of a run from its newest checkpoint: the EMA weights when the run used
 * EMA, otherwise the live weights. Works for complete runs and for unfinished ones (the weights
 * at their last checkpoint).
 */
export function loadGenerator(runDir: string): LoadedGenerator {
  const record = loadRun(runDir);
  const checkpointDir = findLatestCheckpoint(path.join(runDir, 'checkpoints'));
  if (!checkpointDir) {
    throw new SynganError(`${runDir}: the run has no checkpoint yet`, { hint: 'train it first (train or `syngan train`)' });
  }
  const config = record.config;
  const numClasses = record.classNames.length;
  const models = buildModels(config.family, { image: record.image, latentDim: config.latentDim, width: config.width, numClasses, seed: config.seed });
  models.discriminator.store.dispose();
  const generator: Network = models.generator;
  const usesEma = config.ema.enabled;

  const variables = new Map<string, Variable>();
  const weightsPrefix = usesEma ? 'ema' : 'generator';
  const statePrefix = usesEma ? 'ema-state' : 'generator-state';
  for (const [name, variable] of generator.store.trainable) variables.set(`${weightsPrefix}/${name}`, variable);
  for (const [name, variable] of generator.store.state) variables.set(`${statePrefix}/${name}`, variable);
  try {
    restoreVariables(readCheckpoint(checkpointDir), variables, true);
  } catch (error) {
    generator.store.dispose();
    throw error;
  }

  const conditional = isConditional(config.family);
  return {
    record, config, image: record.image, classNames: record.classNames, conditional, usesEma, latentDim: config.latentDim,
    generate(z: Tensor2D, labels?: Tensor1D): Tensor4D {
      if (conditional && !labels) throw new Error('this generator is class-conditional and needs labels');
      const ctx: ForwardContext = { training: false };
      return tf.tidy(() => generator.apply(z, ctx, conditional ? labels : undefined) as Tensor4D);
    },
    dispose(): void {
      generator.store.dispose();
    },
  };
}
