import fs from 'node:fs';
import path from 'node:path';

import type { TrainConfigInput } from '../../src/experiments';
import type { HistoryRow } from '../../src/training';
import { makeTempDir } from '../temp-dir';

/** Creates a fresh temporary runs folder. */
export function tempRunsDir(label: string): string {
  return makeTempDir(label);
}

/** Returns a config that trains in seconds: width 8, latent size 16, 256 MNIST images. */
export function tinyConfig(overrides: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    name: 'tiny', family: 'dcgan', dataset: 'mnist', steps: 12, batchSize: 16, latentDim: 16, width: 8,
    maxImages: 256, seed: 3, checkpointEverySteps: 4, sampleEverySteps: 6, ...overrides,
  };
}

/** Drops the timing columns, which differ from run to run, from history rows. */
export function lossHistory(rows: readonly HistoryRow[]): Array<Record<string, number | null>> {
  return rows.map(({ imagesPerS, elapsedMs, ...rest }) => rest);
}

/** History rows of a run folder. */
export function readHistory(runDir: string): HistoryRow[] {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')) as HistoryRow[];
}

/** Bytes of the newest checkpoint's tensors.bin of a run folder. */
export function checkpointBytes(runDir: string): Buffer {
  const latest = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints', 'latest.json'), 'utf8')) as { dir: string };
  return fs.readFileSync(path.join(runDir, 'checkpoints', latest.dir, 'tensors.bin'));
}
