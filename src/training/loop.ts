import path from 'node:path';

import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { writeFileAtomic } from '../core/files';
import { ProgressListener, ProgressTracker } from '../core/progress';
import { deriveSeed } from '../core/random';
import { batchIndices, encodePng, imageGrid, imagesToTensor, labelsToTensor, tensorToImageBytes } from '../data';
import type { ImageDataset } from '../data/types';
import { findLatestCheckpoint, readCheckpoint, restoreVariables, saveCheckpoint } from './checkpoint';
import type { GanTrainer, RealBatch } from './gan-trainer';
import { HistoryRow, writeHistory } from './history';

/** A sample grid written during training. */
export interface SampleEvent {
  /** Steps completed when the grid was drawn. */
  step: number;
  /** Path of the PNG file. */
  file: string;
  png: Buffer;
  final: boolean;
}

/** Options of `runTrainingLoop`. */
export interface TrainingLoopOptions {
  trainer: GanTrainer;
  /** Real images; labels are used by conditional models. */
  dataset: ImageDataset;
  /** Steps (generator updates) of the whole run, counting steps done before a resume. */
  totalSteps: number;
  /** Folder of the run: `checkpoints/`, `samples/`, `history.json`, `history.csv` go there. */
  runDir: string;
  checkpointEverySteps: number;
  sampleEverySteps: number;
  /** Label for progress events, for example "train dcgan-mnist". */
  label: string;
  onProgress?: ProgressListener;
  onSample?: (event: SampleEvent) => void;
  /** Receives log lines (resume, interruption); default stderr. */
  log?: (line: string) => void;
  /** Stop after this many steps in this session (tests of resume); the run stays resumable. */
  stopAfterSteps?: number;
}

/** Outcome of one training session. */
export interface TrainingLoopResult {
  status: 'complete' | 'interrupted';
  /** Steps completed in total. */
  steps: number;
  /** Training wall time summed over every session of the run. */
  elapsedMs: number;
  history: HistoryRow[];
  /** Real images per second over this session's steps. */
  imagesPerS: number;
  /** Newest checkpoint folder, if any. */
  checkpoint?: string;
}

/**
 * Runs training steps until `totalSteps`, resuming from the newest checkpoint in
 * `<runDir>/checkpoints` when there is one. Real batches follow `batchIndices` with a seed
 * derived from the experiment seed: step s, critic update k uses global batch s·nCritic + k,
 * so the data order depends only on the step number. Writes a checkpoint every
 * `checkpointEverySteps` steps and at the end, a sample grid every `sampleEverySteps` steps and
 * `samples/final.png` at the end. SIGINT (Ctrl-C) stops after the current step with a
 * checkpoint and status `interrupted`. A NaN or infinite loss throws a SynganError naming the
 * step and the last good checkpoint.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingLoopResult> {
  const { trainer, dataset, totalSteps, runDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const checkpointsDir = path.join(runDir, 'checkpoints');
  const samplesDir = path.join(runDir, 'samples');
  const { batchSize, nCritic, seed } = trainer.hyper;
  const batchesPerEpoch = Math.floor(dataset.count / batchSize);
  if (batchesPerEpoch < 1) {
    throw new SynganError(`batchSize ${batchSize} is larger than the dataset (${dataset.count} images)`,
      { hint: `set batchSize to at most ${dataset.count}, or use more images (maxImages)` });
  }

  let startStep = 0;
  let elapsedBeforeMs = 0;
  let history: HistoryRow[] = [];
  let lastCheckpoint = findLatestCheckpoint(checkpointsDir);
  if (lastCheckpoint) {
    const checkpoint = readCheckpoint(lastCheckpoint);
    restoreVariables(checkpoint, trainer.checkpointVariables());
    trainer.optimizerG.iterations = checkpoint.index.optimizerIterations.generator;
    trainer.optimizerD.iterations = checkpoint.index.optimizerIterations.discriminator;
    startStep = checkpoint.index.step;
    elapsedBeforeMs = checkpoint.index.elapsedMs;
    history = (checkpoint.index.extra.history as HistoryRow[] | undefined) ?? [];
    log(`resuming from ${lastCheckpoint} (step ${startStep} of ${totalSteps})`);
  }

  const fixedNoise = fixedSampleInputs(trainer, dataset.classNames.length);
  const shuffleSeed = deriveSeed(seed, 'shuffle');
  let epochCache: { epoch: number; batches: Uint32Array[] } | undefined;
  const realBatch = (globalBatch: number): { batch: RealBatch; epoch: number } => {
    const epoch = Math.floor(globalBatch / batchesPerEpoch);
    if (epochCache?.epoch !== epoch) epochCache = { epoch, batches: batchIndices(dataset.count, batchSize, shuffleSeed, epoch, true) };
    const indices = epochCache.batches[globalBatch % batchesPerEpoch];
    const images = imagesToTensor(dataset, indices);
    const labels = trainer.hyper.numClasses > 0 ? labelsToTensor(dataset, indices) : undefined;
    return { batch: { images, labels }, epoch };
  };

  const writeSamples = (stepsDone: number, final: boolean): void => {
    const file = path.join(samplesDir, final ? 'final.png' : `step-${String(stepsDone).padStart(6, '0')}.png`);
    const png = renderSampleGrid(trainer, fixedNoise, dataset);
    writeFileAtomic(file, png);
    options.onSample?.({ step: stepsDone, file, png, final });
  };

  const checkpoint = async (stepsDone: number, elapsedMs: number): Promise<void> => {
    lastCheckpoint = await saveCheckpoint(checkpointsDir, trainer.checkpointVariables(), {
      step: stepsDone,
      elapsedMs,
      optimizerIterations: { generator: trainer.optimizerG.iterations, discriminator: trainer.optimizerD.iterations },
      extra: { history },
    });
    writeHistory(runDir, history);
  };

  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const tracker = new ProgressTracker(options.label, totalSteps, 'step', options.onProgress, 500, startStep);
  const sessionStartMs = Date.now();
  let step = startStep;
  try {
    while (step < totalSteps) {
      const stepStartMs = Date.now();
      const batches: RealBatch[] = [];
      let epoch = 0;
      for (let k = 0; k < nCritic; k += 1) {
        const next = realBatch(step * nCritic + k);
        batches.push(next.batch);
        epoch = next.epoch;
      }
      let metrics;
      try {
        metrics = trainer.step(batches, step);
      } finally {
        for (const batch of batches) tf.dispose([batch.images, batch.labels ?? []]);
      }
      step += 1;

      const elapsedMs = elapsedBeforeMs + (Date.now() - sessionStartMs);
      const stepMs = Math.max(1e-3, Date.now() - stepStartMs);
      const row: HistoryRow = { step, epoch, ...metrics, imagesPerS: (batchSize * nCritic * 1000) / stepMs, elapsedMs };
      checkFinite(row, lastCheckpoint);
      history.push(row);
      tracker.tick(1, { dLoss: row.dLoss, gLoss: row.gLoss, 'img/s': Math.round(row.imagesPerS) });

      if (step % options.sampleEverySteps === 0 && step < totalSteps) writeSamples(step, false);
      const stopHere = interrupted || (options.stopAfterSteps !== undefined && step - startStep >= options.stopAfterSteps);
      if (step % options.checkpointEverySteps === 0 || step === totalSteps || stopHere) await checkpoint(step, elapsedMs);
      if (stopHere && step < totalSteps) break;
      if (step === totalSteps) writeSamples(step, true);
      // Lets a pending SIGINT reach its handler between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    tf.dispose([fixedNoise.z, fixedNoise.labels ?? []]);
  }

  const sessionSteps = step - startStep;
  const sessionMs = Date.now() - sessionStartMs;
  const imagesPerS = sessionMs > 0 ? (sessionSteps * batchSize * nCritic * 1000) / sessionMs : 0;
  const elapsedMs = elapsedBeforeMs + sessionMs;
  if (step < totalSteps) {
    tracker.finish();
    if (interrupted) log(`interrupted at step ${step} of ${totalSteps}; checkpoint ${lastCheckpoint}. Run the same configuration again to resume.`);
    return { status: 'interrupted', steps: step, elapsedMs, history, imagesPerS, checkpoint: lastCheckpoint };
  }
  tracker.finish({ dLoss: history[history.length - 1]?.dLoss ?? 0, gLoss: history[history.length - 1]?.gLoss ?? 0 });
  return { status: 'complete', steps: step, elapsedMs, history, imagesPerS, checkpoint: lastCheckpoint };
}

function checkFinite(row: HistoryRow, lastCheckpoint: string | undefined): void {
  for (const key of ['dLoss', 'gLoss', 'gradientPenalty'] as const) {
    const value = row[key];
    if (value !== null && !Number.isFinite(value)) {
      throw new SynganError(`training diverged at step ${row.step}: ${key} is ${value}; ` +
        `last good checkpoint: ${lastCheckpoint ?? 'none (no checkpoint was written yet)'}`,
      { hint: 'lower the learning rates (lrG, lrD) or change the seed, then train again with force; ' +
        'without force the run resumes from that checkpoint' });
    }
  }
}

interface SampleInputs {
  z: Tensor2D;
  labels?: Tensor1D;
  columns: number;
}

/**
 * The fixed latent batch of the sample grids: 64 vectors (8 columns) from the seed's "samples"
 * stream; for conditional models 8 per class, one row per class.
 */
function fixedSampleInputs(trainer: GanTrainer, classCount: number): SampleInputs {
  const { latentDim, numClasses, seed } = trainer.hyper;
  const columns = 8;
  const count = numClasses > 0 ? numClasses * columns : 64;
  const z = tf.randomNormal([count, latentDim], 0, 1, 'float32', deriveSeed(seed, 'samples')) as Tensor2D;
  if (numClasses === 0) return { z, columns };
  if (classCount !== numClasses) throw new Error(`dataset has ${classCount} classes, model ${numClasses}`);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i += 1) labels[i] = Math.floor(i / columns);
  return { z, labels: tf.tensor1d(labels, 'int32'), columns };
}

/** Draws the fixed latent batch with the sampling weights (EMA when enabled) as one PNG grid. */
function renderSampleGrid(trainer: GanTrainer, inputs: SampleInputs, dataset: ImageDataset): Buffer {
  const images = trainer.generate(inputs.z, inputs.labels);
  const bytes = tensorToImageBytes(images);
  images.dispose();
  const channels = dataset.channels as 1 | 3;
  const count = inputs.z.shape[0];
  const grid = imageGrid(bytes, count, dataset.height, dataset.width, channels, inputs.columns);
  return encodePng(grid.pixels, grid.height, grid.width, channels);
}

