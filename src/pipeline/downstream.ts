import fs from 'node:fs';
import path from 'node:path';

import type { Tensor4D } from '@tensorflow/tfjs';

import { sha256 } from '../core/files';
import { ProgressListener } from '../core/progress';
import { DatasetManifest, datasetChecksum, ImageDataset, loadDataset, readManifest } from '../data';
import { trainOnSyntheticExperiment, TrainOnSyntheticOptions, TrainOnSyntheticResult } from '../evaluation';
import { generateDataset, RunRecord } from '../experiments';
import { isConditional } from '../models';
import { DomainClassifier } from '../metrics/extractors';

/** A synthetic dataset written from a run, and loaded back. */
export interface SyntheticDataset {
  dir: string;
  manifest: DatasetManifest;
  dataset: ImageDataset;
  /** True when the folder existed and was reused. */
  fromCache: boolean;
}

/**
 * Writes `count` labelled samples of a run as an NPY dataset in the run's folder, or reuses it
 * when it was written before with the same count and seed. Conditional models get balanced
 * classes; samples of unconditional models are labelled by the domain classifier.
 */
export async function syntheticDatasetFor(run: RunRecord, options: { count: number; seed: number; classifier: DomainClassifier; force?: boolean; onProgress?: ProgressListener }): Promise<SyntheticDataset> {
  const dir = path.join(run.dir, `synthetic-${options.count}-seed${options.seed}`);
  const exists = fs.existsSync(path.join(dir, 'manifest.json'));
  if (!exists || options.force) {
    const conditional = isConditional(run.config.family);
    await generateDataset(run.dir, {
      count: options.count,
      format: 'npy',
      outDir: dir,
      seed: options.seed,
      overwrite: true,
      labeler: conditional ? undefined : async (images: Tensor4D) => options.classifier.predict(images),
      labelerId: conditional ? undefined : options.classifier.name,
      onProgress: options.onProgress,
    });
  }
  return { dir, manifest: readManifest(dir), dataset: loadDataset(dir, 'train'), fromCache: exists && !options.force };
}

/**
 * Runs the train-on-synthetic experiment, or returns its stored result when it ran before with
 * the same data (by checksum) and settings. The result is stored in `cacheDir`.
 */
export async function cachedTrainOnSynthetic(options: TrainOnSyntheticOptions & { cacheDir: string; force?: boolean }): Promise<TrainOnSyntheticResult & { fromCache: boolean }> {
  const { cacheDir, force, onProgress, outFile: _ignored, ...settings } = options;
  const key = sha256(JSON.stringify({
    real: datasetChecksum(settings.real),
    test: datasetChecksum(settings.test),
    synthetic: datasetChecksum(settings.synthetic),
    seeds: settings.seeds,
    epochs: settings.epochs,
    fractions: settings.fractions,
    fractionArms: settings.fractionArms,
    maxTrain: settings.maxTrain,
    maxTest: settings.maxTest,
    dataSeed: settings.dataSeed,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
  })).slice(0, 12);
  const file = path.join(cacheDir, `train-on-synthetic-${key}.json`);
  if (!force && fs.existsSync(file)) {
    return { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as TrainOnSyntheticResult), fromCache: true };
  }
  const result = await trainOnSyntheticExperiment({ ...settings, onProgress, outFile: file });
  return { ...result, fromCache: false };
}
