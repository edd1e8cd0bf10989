import fs from 'node:fs';

import { SynganError } from '../core/errors';
import type { ArithmeticRequest } from './arithmetic';
import { METRIC_NAMES, type MetricsRecord, computeInceptionScore, computeMetrics, parseMetricNames } from './compute';
import { type FeatureMatrix, isFeatureMatrixFile, readFeatureMatrix } from './feature-matrix';

/** Options of `syngan metrics`. */
export interface MetricsCommandOptions {
  /** Real samples: a feature matrix (.npy 2-d float, or .json) or, with `extractFeatures`, a dataset. */
  real?: string;
  /** Fake samples, same forms as `real`. */
  fake?: string;
  /** An n × classes class-probability matrix (.npy or .json) for the Inception Score. */
  probabilities?: string;
  /** Metric groups among fid, kid, prdc (default all). */
  metrics?: string[];
  /** Return the record as one JSON object in `text` instead of a table. */
  json?: boolean;
  /** Seed of the KID subset draw (default 0). */
  seed?: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
  arithmetic?: ArithmeticRequest;
  /** Turns a dataset path (image folder, IDX, NPY images) into features; without it, such paths are rejected. */
  extractFeatures?: (path: string) => Promise<FeatureMatrix>;
  /** Name of the extractor behind the features, copied into the record. */
  extractor?: string;
}

async function loadFeatures(file: string, role: string, extractFeatures: MetricsCommandOptions['extractFeatures']): Promise<FeatureMatrix> {
  if (!fs.existsSync(file)) throw new SynganError(`${role} path not found: ${file}`, { hint: 'check the path' });
  if (isFeatureMatrixFile(file)) return readFeatureMatrix(file);
  if (!extractFeatures) {
    throw new SynganError(`${role} path ${file} is not a feature matrix (.npy 2-d float or .json {"shape", "data"})`,
      { hint: 'pass precomputed features, or a dataset through a command that extracts features first' });
  }
  return extractFeatures(file);
}

function format(value: unknown, digits = 4): string {
  return typeof value === 'number' ? value.toFixed(digits) : String(value);
}

function formatTable(record: MetricsRecord): string {
  const lines: string[] = [];
  if (record.n_real !== undefined) lines.push(`samples    ${record.n_real} real, ${record.n_fake} fake, ${record.dims} features`);
  if (record.extractor !== undefined) lines.push(`extractor  ${record.extractor}`);
  if (record.fid !== undefined) {
    const offset = record.fid_offset_added ? ` (${record.fid_offset_added} added to the covariance diagonals)` : '';
    lines.push(`FID        ${format(record.fid)}${offset}`);
  }
  if (record.kid_mean !== undefined) {
    lines.push(`KID        ${format(record.kid_mean, 6)} ± ${format(record.kid_std, 6)} ` +
      `(${record.kid_subsets} subsets of ${record.kid_subset_size}; all rows ${format(record.kid_full, 6)})`);
  }
  if (record.precision !== undefined) {
    lines.push(`precision  ${format(record.precision)}   recall   ${format(record.recall)}   (k = ${record.precision_recall_k})`);
    lines.push(`density    ${format(record.density)}   coverage ${format(record.coverage)}   (k = ${record.density_coverage_k})`);
  }
  if (record.is_mean !== undefined) {
    lines.push(`IS         ${format(record.is_mean)} ± ${format(record.is_std)} (${record.is_splits} splits of ${record.n_probabilities} samples; one split ${format(record.is_single_split)})`);
  }
  return lines.join('\n');
}

/**
 * Runs `syngan metrics`: FID/KID/PRDC between `real` and `fake`, and/or the Inception Score of
 * `probabilities`. Returns the record and the text to print (a table, or JSON with `json`).
 */
export async function runMetricsCommand(options: MetricsCommandOptions): Promise<{ record: Record<string, unknown>; text: string }> {
  const hasPair = options.real !== undefined || options.fake !== undefined;
  if (!hasPair && options.probabilities === undefined) {
    throw new SynganError('nothing to measure', { hint: 'pass --real and --fake, or --probabilities' });
  }
  if (hasPair && (options.real === undefined || options.fake === undefined)) {
    throw new SynganError(`missing --${options.real === undefined ? 'real' : 'fake'} path`, { hint: 'FID, KID and PRDC compare two sets: pass both --real and --fake' });
  }
  const metrics = options.metrics ? parseMetricNames(options.metrics) : [...METRIC_NAMES];

  let record: MetricsRecord = {};
  if (hasPair) {
    const real = await loadFeatures(options.real!, 'real', options.extractFeatures);
    const fake = await loadFeatures(options.fake!, 'fake', options.extractFeatures);
    // The usual KID subset size is 1000; smaller sets use all rows of the smaller set per subset
    // rather than failing, and the record states the size used.
    const kidSubsetSize = options.kidSubsetSize ?? Math.min(1000, real.rows, fake.rows);
    record = computeMetrics(real, fake, {
      metrics, seed: options.seed, kidSubsets: options.kidSubsets, kidSubsetSize,
      arithmetic: options.arithmetic, extractor: options.extractor,
    });
  }
  if (options.probabilities !== undefined) {
    const file = options.probabilities;
    if (!fs.existsSync(file)) throw new SynganError(`probabilities path not found: ${file}`, { hint: 'check the path' });
    record = { ...record, ...computeInceptionScore(readFeatureMatrix(file)) };
  }
  const text = options.json ? JSON.stringify(record) : formatTable(record);
  return { record, text };
}
