import fs from 'node:fs';
import path from 'node:path';

import { BackendInfo, assertTrainingBackend, backendInfo, describeBackend } from '../core/backend';
import { SynganError } from '../core/errors';
import { projectRoot, writeJsonAtomic } from '../core/files';
import type { ProgressListener } from '../core/progress';
import { datasetChecksum, loadDataset, selectImages } from '../data';
import type { ImageDataset } from '../data/types';
import { buildModels, isConditional } from '../models';
import type { ImageShape } from '../models/network';
import { GanHyperparameters, GanTrainer } from '../training/gan-trainer';
import type { HistoryRow } from '../training/history';
import { SampleEvent, runTrainingLoop } from '../training/loop';
import { TrainConfig, TrainConfigInput, lossOf, resolveConfig } from './config';
import { configHash, runId } from './hash';

/** State and figures of a run, stored as `run.json` in its folder. */
export interface RunRecord {
  /** `<name>-<hash12>`, also the folder name. */
  id: string;
  dir: string;
  configHash: string;
  config: TrainConfig;
  status: 'complete' | 'running' | 'interrupted' | 'failed';
  /** Steps (generator updates) completed, and planned. */
  steps: number;
  totalSteps: number;
  /** Training wall time summed over every session. */
  elapsedMs: number;
  /** Real images per second over the whole run. */
  imagesPerS: number;
  /** Figures of the last step, or null before the first. */
  finalLosses: Pick<HistoryRow, 'dLoss' | 'gLoss' | 'dReal' | 'dFake' | 'gradientPenalty' | 'wasserstein'> | null;
  backend: BackendInfo;
  environment: { nodeVersion: string; synganVersion: string; platform: string };
  datasetChecksum: string;
  /** Shape and classes of the training images, which the generator reproduces. */
  image: ImageShape;
  classNames: string[];
  /** Paths relative to `dir`. */
  files: { history: string; historyCsv: string; samples: string; checkpoint: string | null };
  /** Process training the run while status is `running`. */
  pid?: number;
  /** Message of the error that stopped a failed run. */
  error?: string;
  createdAt: string;
  updatedAt: string;
}

/** Options of `train`. */
export interface TrainOptions {
  /** Retrain even when a finished run of the same config exists; the old run is replaced only when the new one completes. */
  force?: boolean;
  /** Folder of runs; default SYNGAN_RUNS_DIR, else `runs/` in the project root. */
  runsDir?: string;
  onProgress?: ProgressListener;
  onSample?: (event: SampleEvent) => void;
  /** Receives log lines; default stderr. */
  log?: (line: string) => void;
  /** Stop (resumably, status `interrupted`) after this many steps in this call; for tests and time-boxed sessions. */
  stopAfterSteps?: number;
}

/** Resolves the runs folder: `runsDir` when given, else SYNGAN_RUNS_DIR, else `<project root>/runs`. */
export function resolveRunsDir(runsDir?: string): string {
  return path.resolve(runsDir ?? process.env.SYNGAN_RUNS_DIR ?? path.join(projectRoot(), 'runs'));
}

function synganVersion(): string {
  const packageFile = path.join(projectRoot(), 'package.json');
  return (JSON.parse(fs.readFileSync(packageFile, 'utf8')) as { version: string }).version;
}

/** Reads `run.json` of a run folder. */
export function loadRun(dir: string): RunRecord {
  const file = path.join(dir, 'run.json');
  if (!fs.existsSync(file)) {
    throw new SynganError(`${dir}: not a run folder (no run.json)`, { hint: 'pass a folder under runs/ that `syngan runs` lists' });
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  } catch (error) {
    throw new SynganError(`${file}: unreadable run record (${(error as Error).message})`, { hint: 'retrain the run with force', cause: error });
  }
}

/** Lists the runs under `runsDir` (folders with a run.json, hidden temporary folders skipped), newest first. */
export function listRuns(runsDir?: string): RunRecord[] {
  const dir = resolveRunsDir(runsDir);
  if (!fs.existsSync(dir)) return [];
  const runs: RunRecord[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.') || !fs.existsSync(path.join(dir, name, 'run.json'))) continue;
    runs.push(loadRun(path.join(dir, name)));
  }
  return runs.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Loads the training split of the config's dataset, resized to `imageSize` and converted to
 * `channels` when set, and cut to its first `maxImages` images when set.
 */
export function loadTrainingImages(config: TrainConfig): ImageDataset {
  const full = loadDataset(config.dataset, 'train', {
    height: config.imageSize ?? undefined,
    width: config.imageSize ?? undefined,
    channels: config.channels ?? undefined,
  });
  if (config.maxImages === null || config.maxImages >= full.count) return full;
  return selectImages(full, Array.from({ length: config.maxImages }, (_, i) => i));
}

/** Steps of the whole run: `steps`, or enough steps for `epochs` passes of the discriminator over the images. */
export function totalStepsOf(config: TrainConfig, imageCount: number): number {
  if (config.steps !== null) return config.steps;
  const batchesPerEpoch = Math.floor(imageCount / config.batchSize);
  return Math.max(1, Math.ceil((config.epochs! * batchesPerEpoch) / config.nCritic));
}

/** Returns the trainer's numeric settings for a config. */
export function hyperparametersOf(config: TrainConfig, numClasses: number): GanHyperparameters {
  return {
    loss: lossOf(config.family),
    batchSize: config.batchSize,
    latentDim: config.latentDim,
    numClasses: isConditional(config.family) ? numClasses : 0,
    optimizer: config.optimizer,
    lrG: config.lrG,
    lrD: config.lrD,
    betas: config.betas,
    nCritic: config.nCritic,
    clip: config.clip,
    gpLambda: config.gpLambda,
    ema: config.ema,
    seed: config.seed,
  };
}

/** Builds the generator and discriminator of a config for images of `image` shape with `numClasses` classes. */
export function buildTrainer(config: TrainConfig, image: ImageShape, numClasses: number): GanTrainer {
  const models = buildModels(config.family, { image, latentDim: config.latentDim, width: config.width, numClasses, seed: config.seed });
  return new GanTrainer(models, hyperparametersOf(config, numClasses));
}

/**
 * Trains a config, or returns the stored run at once when a run of the same config hash
 * completed before (unless `force`). An unfinished run (interrupted, failed, or left `running`
 * by a dead process) resumes from its last checkpoint. The run lives in
 * `<runsDir>/<name>-<hash12>/`: `run.json`, `config.json`, `history.json`, `history.csv`,
 * `samples/`, `checkpoints/`. Resolves with status `interrupted` after SIGINT or
 * `stopAfterSteps`; throws on a diverged loss (status `failed`, checkpoint kept).
 */
export async function train(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<RunRecord> {
  const config = resolveConfig(input);
  const hash = configHash(config);
  const id = runId(config);
  const runsDir = resolveRunsDir(options.runsDir);
  const finalDir = path.join(runsDir, id);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const existing = fs.existsSync(path.join(finalDir, 'run.json')) ? loadRun(finalDir) : undefined;
  if (existing?.status === 'complete' && !options.force) return existing;
  if (existing?.status === 'running' && existing.pid !== undefined && existing.pid !== process.pid && isProcessAlive(existing.pid)) {
    throw new SynganError(`${finalDir}: process ${existing.pid} is training this run now`,
      { hint: 'wait for it to finish, or stop it (Ctrl-C) and train again to resume' });
  }

  const info = assertTrainingBackend();
  log(describeBackend(info));
  const dataset = loadTrainingImages(config);
  if (config.batchSize > dataset.count) {
    throw new SynganError(`invalid config field "batchSize": ${config.batchSize} is larger than the dataset (${dataset.count} images)`,
      { hint: `set batchSize to at most ${dataset.count}${config.maxImages !== null ? ', or raise maxImages' : ''}` });
  }
  const totalSteps = totalStepsOf(config, dataset.count);
  const image: ImageShape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  checkImageShape(config, image);

  // With force over an existing run, train in a hidden sibling folder and swap it in only when
  // complete, so the old run stays intact until then.
  const replacing = options.force === true && fs.existsSync(finalDir);
  const workDir = replacing ? path.join(runsDir, `.${id}.force-${process.pid}`) : finalDir;
  if (replacing) fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  writeJsonAtomic(path.join(workDir, 'config.json'), config);

  const now = new Date().toISOString();
  const record: RunRecord = {
    id, dir: finalDir, configHash: hash, config, status: 'running', steps: 0, totalSteps,
    elapsedMs: 0, imagesPerS: 0, finalLosses: null, backend: backendInfo(),
    environment: { nodeVersion: process.version, synganVersion: synganVersion(), platform: `${process.platform}-${process.arch}` },
    datasetChecksum: datasetChecksum(dataset), image, classNames: dataset.classNames,
    files: { history: 'history.json', historyCsv: 'history.csv', samples: 'samples', checkpoint: null },
    pid: process.pid,
    createdAt: replacing ? now : existing?.createdAt ?? now, updatedAt: now,
  };
  writeJsonAtomic(path.join(workDir, 'run.json'), record);

  const trainer = buildTrainer(config, image, dataset.classNames.length);
  try {
    const result = await runTrainingLoop({
      trainer, dataset, totalSteps, runDir: workDir,
      checkpointEverySteps: config.checkpointEverySteps, sampleEverySteps: config.sampleEverySteps,
      label: `train ${id}`, onProgress: options.onProgress, onSample: options.onSample, log,
      stopAfterSteps: options.stopAfterSteps,
    });
    const last = result.history[result.history.length - 1];
    Object.assign(record, {
      status: result.status,
      steps: result.steps,
      elapsedMs: result.elapsedMs,
      imagesPerS: result.elapsedMs > 0 ? (result.steps * config.batchSize * config.nCritic * 1000) / result.elapsedMs : 0,
      finalLosses: last ? {
        dLoss: last.dLoss, gLoss: last.gLoss, dReal: last.dReal, dFake: last.dFake,
        gradientPenalty: last.gradientPenalty, wasserstein: last.wasserstein,
      } : null,
      files: { ...record.files, checkpoint: result.checkpoint ? path.relative(workDir, result.checkpoint) : null },
      updatedAt: new Date().toISOString(),
    });
    delete record.pid;
    writeJsonAtomic(path.join(workDir, 'run.json'), record);
    if (replacing && result.status === 'complete') swapIn(workDir, finalDir);
    return record;
  } catch (error) {
    record.status = 'failed';
    record.error = error instanceof Error ? error.message : String(error);
    record.updatedAt = new Date().toISOString();
    delete record.pid;
    writeJsonAtomic(path.join(workDir, 'run.json'), record);
    throw error;
  } finally {
    trainer.dispose();
    trainer.generator.store.dispose();
    trainer.discriminator.store.dispose();
  }
}

/** Throws a SynganError when the networks of `config.family` cannot take images of `image` shape. */
function checkImageShape(config: TrainConfig, image: ImageShape): void {
  const shape = `${image.height}×${image.width}×${image.channels}`;
  if (config.family === 'reference-dcgan' && (image.height !== 28 || image.width !== 28 || image.channels !== 1)) {
    throw new SynganError(`dataset "${config.dataset}" has ${shape} images, but reference-dcgan takes only 28×28×1`,
      { hint: 'use MNIST or Fashion-MNIST, or another family' });
  }
  if (image.height !== image.width || image.height % 4 !== 0) {
    throw new SynganError(`dataset "${config.dataset}" has ${shape} images, but the GAN networks need square images with a side divisible by 4`,
      { hint: 'set imageSize in the config, for example 28 or 32, to resize the images' });
  }
}

/** Replaces `finalDir` by `newDir`: the old folder is renamed aside first and deleted last. */
function swapIn(newDir: string, finalDir: string): void {
  const aside = `${path.join(path.dirname(finalDir), `.${path.basename(finalDir)}`)}.old-${process.pid}`;
  fs.rmSync(aside, { recursive: true, force: true });
  fs.renameSync(finalDir, aside);
  fs.renameSync(newDir, finalDir);
  fs.rmSync(aside, { recursive: true, force: true });
}
