import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { ProgressListener } from '../core/progress';
import { loadRun, resolveConfig, resolveRunsDir, runId, RunRecord, train, TrainConfigInput } from '../experiments';
import type { Family } from '../models';
import type { HistoryPoint } from './figures';
import type { Profile } from './profiles';

/** A run as notebooks see it: the run record, and whether it came from the run cache. */
export interface NotebookRun extends RunRecord {
  /** True when a finished run of the same config was returned without training. */
  fromCache: boolean;
}

/** Returns true when `train` would return a finished run of this config without training. */
export function isRunCached(config: TrainConfigInput, options: { force?: boolean; runsDir?: string } = {}): boolean {
  if (options.force) return false;
  const runDir = path.join(resolveRunsDir(options.runsDir), runId(resolveConfig(config)));
  return fs.existsSync(path.join(runDir, 'run.json')) && loadRun(runDir).status === 'complete';
}

/**
 * Trains a config, or returns the finished run of the same config from the run cache at once
 * (unless `force`), and reports which of the two happened.
 */
export async function trainRun(config: TrainConfigInput, options: { force?: boolean; runsDir?: string; onProgress?: ProgressListener; log?: (line: string) => void } = {}): Promise<NotebookRun> {
  const cached = isRunCached(config, options);
  const run = await train(config, { force: options.force, runsDir: options.runsDir, onProgress: options.onProgress, log: options.log ?? (() => undefined) });
  if (run.status !== 'complete') {
    throw new SynganError(`run ${run.id} stopped with status "${run.status}" after ${run.steps} of ${run.totalSteps} steps`,
      { hint: 'run the cell again to resume it from its last checkpoint' });
  }
  return { ...run, fromCache: cached };
}

/** Reads the per-step history of a run (`history.json`). */
export function readRunHistory(run: RunRecord): HistoryPoint[] {
  return JSON.parse(fs.readFileSync(path.join(run.dir, run.files.history), 'utf8')) as HistoryPoint[];
}

/** Steps at which the run saved a sample grid (`samples/step-NNNNNN.png`), ascending. */
export function runSampleSteps(run: RunRecord): number[] {
  const dir = path.join(run.dir, run.files.samples);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((name) => /^step-(\d+)\.png$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

/** Reads the PNG bytes of a run's sample grid at `step`, or of its final grid when `step` is omitted. */
export function readRunSamplePng(run: RunRecord, step?: number): Uint8Array {
  const name = step === undefined ? 'final.png' : `step-${String(step).padStart(6, '0')}.png`;
  const file = path.join(run.dir, run.files.samples, name);
  if (!fs.existsSync(file)) {
    throw new SynganError(`${file} does not exist`, { hint: `the run saved samples at steps ${runSampleSteps(run).join(', ') || '(none)'} and final.png when complete` });
  }
  return fs.readFileSync(file);
}

/** Display names of the families, for tables and charts. */
export const FAMILY_LABELS: Record<string, string> = {
  'dcgan': 'DCGAN',
  'wgan': 'WGAN (clipping)',
  'wgan-gp': 'WGAN-GP',
  'cgan': 'Conditional GAN',
  'sngan': 'SNGAN (hinge, TTUR, EMA)',
  'reference-dcgan': 'Reference DCGAN',
};

/**
 * The config a notebook trains for `family` on `dataset` under a profile: every family gets the
 * same number of generator steps, batch size and width, and its own paper's optimiser settings.
 * The SNGAN-style model also uses TTUR (discriminator learning rate 4e-4, generator 1e-4, as in
 * Heusel et al. 2017) and an exponential moving average of the generator weights.
 */
export function profileRunConfig(profile: Profile, family: Family, dataset: string, seed: number): TrainConfigInput {
  const steps = dataset === 'mnist' ? profile.ganSteps : profile.fashionGanSteps;
  const config: TrainConfigInput = {
    name: `${dataset}-${family}-${profile.name}`,
    family,
    dataset,
    steps,
    batchSize: profile.ganBatchSize,
    width: profile.ganWidth,
    seed,
    sampleEverySteps: Math.max(1, Math.round(steps / 4)),
    checkpointEverySteps: Math.max(1, Math.round(steps / 4)),
  };
  if (family === 'sngan') {
    config.lrG = 1e-4;
    config.lrD = 4e-4;
    config.betas = [0, 0.9];
    // A window of about 100 steps suits short CPU runs; long runs average over about 1,000.
    config.ema = { enabled: true, decay: steps >= 10000 ? 0.999 : 0.99 };
  }
  return config;
}
