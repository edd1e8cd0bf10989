import fs from 'node:fs';
import path from 'node:path';

import type { Tensor4D } from '@tensorflow/tfjs';

import { describeBackend } from '../core/backend';
import { SynganError } from '../core/errors';
import { writeJsonAtomic } from '../core/files';
import { terminalProgress } from '../core/progress';
import { DatasetFormat, isWrittenDataset, loadDataset, readManifest } from '../data';
import { generateDataset, listRuns, loadRun, resolveRunsDir, train, TrainConfigInput } from '../experiments';
import { isConditional } from '../models';
import { computeInceptionScore, computeMetrics, FeatureMatrix, runMetricsCommand } from '../metrics';
import { createExtractor, FeatureExtractor, getDomainClassifier } from '../metrics/extractors';
import { datasetFeatures } from '../metrics/features-cache';
import { evaluateRealBaseline, evaluateRun, isRunCached } from '../pipeline';
import { tableText } from '../core/notebook-display';

function parseNumber(name: string, text: string | undefined, integer = true): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new SynganError(`invalid ${name} "${text}"`, { hint: `${name} takes ${integer ? 'a whole number' : 'a number'}` });
  }
  return value;
}

function readJsonFile(file: string): unknown {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: file not found`, { hint: 'check the path of the config file' });
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SynganError(`${file}: invalid JSON (${(error as Error).message})`, { hint: 'fix the syntax of the config file' });
  }
}

export interface TrainCommandOptions {
  config?: string;
  name?: string;
  family?: string;
  dataset?: string;
  steps?: string;
  epochs?: string;
  batchSize?: string;
  width?: string;
  latentDim?: string;
  lrG?: string;
  lrD?: string;
  seed?: string;
  ema?: boolean;
  maxImages?: string;
  force?: boolean;
  runsDir?: string;
}

/**
 * `syngan train`: a config file (JSON), with flags overriding its fields. Prints progress with
 * rate and ETA; Ctrl-C checkpoints and stops, and the same command resumes.
 */
export async function trainCommand(options: TrainCommandOptions): Promise<void> {
  const fromFile = options.config ? readJsonFile(options.config) as Record<string, unknown> : {};
  const flags: Record<string, unknown> = {
    name: options.name,
    family: options.family,
    dataset: options.dataset,
    steps: parseNumber('--steps', options.steps),
    epochs: parseNumber('--epochs', options.epochs),
    batchSize: parseNumber('--batch-size', options.batchSize),
    width: parseNumber('--width', options.width),
    latentDim: parseNumber('--latent-dim', options.latentDim),
    lrG: parseNumber('--lr-g', options.lrG, false),
    lrD: parseNumber('--lr-d', options.lrD, false),
    seed: parseNumber('--seed', options.seed),
    maxImages: parseNumber('--max-images', options.maxImages),
    ema: options.ema ? { enabled: true } : undefined,
  };
  const config = { ...fromFile };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) config[key] = value;
  if (config.family === undefined) {
    throw new SynganError('missing GAN family', { hint: 'pass --family dcgan (or wgan, wgan-gp, cgan, sngan, reference-dcgan), or "family" in the --config file' });
  }
  if (config.name === undefined && typeof config.family === 'string') config.name = config.family;
  const cached = isRunCached(config as TrainConfigInput, { force: options.force, runsDir: options.runsDir });
  const run = await train(config as TrainConfigInput, { force: options.force, runsDir: options.runsDir, onProgress: terminalProgress() });
  const source = cached ? ' (reused from the run cache; --force retrains)' : '';
  console.log(`run ${run.id}: ${run.status}${source}, ${run.steps}/${run.totalSteps} steps, ${run.imagesPerS.toFixed(1)} images/s, in ${run.dir}`);
  if (run.status === 'interrupted') {
    console.log('interrupted: the last checkpoint is saved; run the same command again to resume');
    process.exitCode = 130;
  }
}

/** `syngan runs`: the runs under the runs folder with their status and key figures. */
export function runsCommand(options: { runsDir?: string; json?: boolean }): void {
  const runs = listRuns(options.runsDir);
  if (options.json) {
    console.log(JSON.stringify(runs, null, 2));
    return;
  }
  if (runs.length === 0) {
    console.log(`no runs in ${resolveRunsDir(options.runsDir)}`);
    return;
  }
  const rows = runs.map((run) => {
    const evaluations = fs.readdirSync(run.dir).filter((name) => /^evaluation-.*\.json$/.test(name));
    let fid: number | null = null;
    if (evaluations.length > 0) {
      const evaluation = JSON.parse(fs.readFileSync(path.join(run.dir, evaluations[0]), 'utf8')) as { metrics?: { fid?: number } };
      fid = evaluation.metrics?.fid ?? null;
    }
    return [run.id, run.config.family, run.config.dataset, run.status, `${run.steps}/${run.totalSteps}`, run.imagesPerS,
      Math.round(run.elapsedMs / 1000), run.finalLosses?.dLoss ?? null, run.finalLosses?.gLoss ?? null, fid];
  });
  console.log(tableText(['run', 'family', 'dataset', 'status', 'steps', 'images/s', 'time (s)', 'D loss', 'G loss', 'FID'], rows));
}

export interface GenerateCommandOptions {
  run: string;
  count?: string;
  perClass?: string;
  format: string;
  out: string;
  seed: string;
  overwrite?: boolean;
  batchSize?: string;
}

/**
 * `syngan generate`: a labelled synthetic dataset from a trained run. Unconditional runs are
 * labelled by the domain classifier of the run's dataset (trained on first use).
 */
export async function generateCommand(options: GenerateCommandOptions): Promise<void> {
  if (!['idx', 'png', 'npy'].includes(options.format)) {
    throw new SynganError(`invalid --format "${options.format}"`, { hint: 'use idx, png or npy' });
  }
  const run = loadRun(path.resolve(options.run));
  console.error(describeBackend());
  let labeler: ((images: Tensor4D) => Promise<Uint8Array>) | undefined;
  let labelerId: string | undefined;
  if (!isConditional(run.config.family)) {
    console.error(`${run.config.family} is unconditional: labelling its samples with the domain classifier of ${run.config.dataset} ` +
      '(trained on first use, which takes several minutes on a CPU, then cached under runs/classifiers/)');
    const classifier = await getDomainClassifier(run.config.dataset, { onProgress: terminalProgress() });
    console.error(`domain classifier ${classifier.name}: test accuracy ${(100 * classifier.testAccuracy).toFixed(2)}%`);
    labeler = async (images) => classifier.predict(images);
    labelerId = classifier.name;
  }
  const manifest = await generateDataset(run.dir, {
    count: parseNumber('--count', options.count),
    perClass: parseNumber('--per-class', options.perClass),
    format: options.format as DatasetFormat,
    outDir: path.resolve(options.out),
    seed: parseNumber('--seed', options.seed) ?? 0,
    overwrite: options.overwrite,
    batchSize: parseNumber('--batch-size', options.batchSize),
    labeler,
    labelerId,
    onProgress: terminalProgress(),
  });
  console.log(`wrote ${manifest.count} images (${manifest.countsPerClass.join(' ')} per class) as ${manifest.format} to ${path.resolve(options.out)}`);
}

export interface EvaluateCommandOptions {
  run?: string;
  dataset?: string;
  reference?: string;
  samples: string;
  real: string;
  seed: string;
  out?: string;
  force?: boolean;
}

/**
 * `syngan evaluate`: every metric of a run (or of a synthetic dataset folder) against the real
 * test split, with the real-vs-real baseline, written to metrics.json.
 */
export async function evaluateCommand(options: EvaluateCommandOptions): Promise<void> {
  const startMs = Date.now();
  const samples = parseNumber('--samples', options.samples)!;
  const realCount = parseNumber('--real', options.real)!;
  const seed = parseNumber('--seed', options.seed)!;
  if (!options.run && !options.dataset) throw new SynganError('nothing to evaluate', { hint: 'pass --run <run folder> or --dataset <synthetic dataset folder>' });

  const runDir = options.run ? path.resolve(options.run) : undefined;
  const run = runDir ? loadRun(runDir) : undefined;
  console.error(describeBackend());
  let referenceName = options.reference ?? run?.config.dataset;
  if (!referenceName && options.dataset && isWrittenDataset(options.dataset)) {
    const source = (readManifest(options.dataset) as unknown as { run?: { dataset?: string } }).run;
    referenceName = source?.dataset;
  }
  if (!referenceName) throw new SynganError('the real dataset to compare with is unknown', { hint: 'pass --reference mnist (or fashion-mnist, or a dataset path)' });

  const realTrain = loadDataset(referenceName, 'train');
  const realTest = loadDataset(referenceName, 'test');
  const classifier = await getDomainClassifier(referenceName, { onProgress: terminalProgress() });
  const evalOptions = { classifier, realTrain, realTest, samples, realCount, seed, force: options.force, onProgress: terminalProgress() };

  let result: unknown;
  if (run) {
    result = await evaluateRun(run, evalOptions);
  } else {
    const synthetic = loadDataset(options.dataset!, 'train');
    const fake = (await datasetFeatures(classifier, synthetic)).matrix;
    const real = (await datasetFeatures(classifier, realTest)).matrix;
    const probabilities = (await datasetFeatures(classifier, synthetic, { output: 'probabilities' })).matrix;
    result = {
      dataset: path.resolve(options.dataset!),
      extractor: classifier.name,
      extractorNote: classifier.note,
      seed,
      metrics: { ...computeMetrics(real, fake, { seed, extractor: classifier.name, kidSubsetSize: Math.min(1000, Math.floor(Math.min(real.rows, fake.rows) / 2)) }), ...computeInceptionScore(probabilities) },
    };
  }
  const baseline = await evaluateRealBaseline(evalOptions);
  const output = { ...(result as object), baseline: { metrics: baseline.metrics, samples: baseline.samples }, wallTimeMs: Date.now() - startMs };
  const outFile = path.resolve(options.out ?? (runDir ? path.join(runDir, 'metrics.json') : path.join(options.dataset!, 'metrics.json')));
  writeJsonAtomic(outFile, output);
  const metrics = (result as { metrics: Record<string, unknown> }).metrics;
  console.log(tableText(['metric', 'value', 'real vs real'], ['fid', 'kid_mean', 'is_mean', 'precision', 'recall', 'density', 'coverage']
    .map((name) => [name, typeof metrics[name] === 'number' ? metrics[name] as number : null, baseline.metrics[name] ?? null])));
  console.log(`wrote ${outFile}`);
}

export interface MetricsCliOptions {
  real?: string;
  fake?: string;
  probabilities?: string;
  metrics?: string;
  json?: boolean;
  seed: string;
  kidSubsetSize?: string;
  extractor: string;
  extractorDataset?: string;
  model?: string;
}

/**
 * `syngan metrics`: compares two sets like pytorch-fid's two-path command. A path is a feature
 * matrix (.npy, .json) or a dataset; datasets go through the chosen feature extractor.
 */
export async function metricsCommand(options: MetricsCliOptions): Promise<void> {
  let extractor: FeatureExtractor | undefined;
  const extractFeatures = async (file: string): Promise<FeatureMatrix> => {
    if (!extractor) {
      extractor = await createExtractor({
        kind: options.extractor,
        dataset: options.extractorDataset,
        classifier: { onProgress: terminalProgress() },
        graphModel: options.model ? { modelPath: options.model } : undefined,
      });
    }
    const dataset = loadDataset(file, 'all', extractor.inputShape ? { height: extractor.inputShape[0], width: extractor.inputShape[1], channels: extractor.inputShape[2] as 1 | 3 } : {});
    return (await datasetFeatures(extractor, dataset)).matrix;
  };
  const needsExtractor = [options.real, options.fake].some((file) => file !== undefined && !/\.(npy|json)$/i.test(file) || (file !== undefined && isWrittenDataset(file)));
  if (needsExtractor && options.extractor === 'domain-classifier' && !options.extractorDataset) {
    throw new SynganError('comparing datasets needs a feature extractor', { hint: 'pass --extractor-dataset mnist (the domain classifier of that dataset) or --extractor inception-v3 --model <model.json>' });
  }
  const { text } = await runMetricsCommand({
    real: options.real,
    fake: options.fake,
    probabilities: options.probabilities,
    metrics: options.metrics?.split(',').map((name) => name.trim()).filter(Boolean),
    json: options.json,
    seed: parseNumber('--seed', options.seed),
    kidSubsetSize: parseNumber('--kid-subset-size', options.kidSubsetSize),
    extractFeatures,
  });
  console.log(text);
}
