import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { projectRoot, writeJsonAtomic } from '../core/files';

/**
 * A result a notebook hands to the report: named numbers with their provenance. The report's
 * summary table and `--verify` read these files, so every number in the report comes from a run
 * record rather than from text typed into a notebook.
 */
export interface ResultRecord {
  /** Unique key, for example "mnist/dcgan". */
  key: string;
  /** Notebook that wrote it, for example "04-evaluation". */
  notebook: string;
  /** Human-readable name, for example "DCGAN (MNIST)". */
  label: string;
  /** Numeric results by metric name; null when a metric does not apply. */
  metrics: Record<string, number | null>;
  /** Provenance: run ids, config hashes, seeds, dataset checksums, extractor names. */
  provenance: Record<string, unknown>;
}

/** Folder of result records: SYNGAN_RESULTS_DIR, or `reports/results/` in the project root. */
export function resultsDir(): string {
  return process.env.SYNGAN_RESULTS_DIR ? path.resolve(process.env.SYNGAN_RESULTS_DIR) : path.join(projectRoot(), 'reports', 'results');
}

function fileNameForKey(key: string): string {
  return `${key.replace(/[^A-Za-z0-9_.-]+/g, '__')}.json`;
}

/** Writes a result record atomically (replacing an earlier one with the same key). */
export function recordResult(record: ResultRecord, dir = resultsDir()): string {
  for (const [name, value] of Object.entries(record.metrics)) {
    if (value !== null && typeof value !== 'number') {
      throw new SynganError(`result "${record.key}": metric "${name}" is ${typeof value}, not a number`, { hint: 'pass numbers or null' });
    }
  }
  const file = path.join(dir, fileNameForKey(record.key));
  writeJsonAtomic(file, record);
  return file;
}

/** Reads every result record in `dir`, sorted by key; an empty list when the folder is missing. */
export function readResults(dir = resultsDir()): ResultRecord[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const file = path.join(dir, name);
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as ResultRecord;
      } catch (error) {
        throw new SynganError(`${file}: invalid result record (${(error as Error).message})`, { hint: 'delete it and run the notebook that writes it again' });
      }
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** One metric compared between two sets of result records. */
export interface ResultComparison {
  key: string;
  metric: string;
  expected: number | null;
  actual: number | null;
  /** |actual − expected| / max(|expected|, 1e-12); 0 when both are equal or null. */
  relativeDifference: number;
  ok: boolean;
}

/**
 * Compares every metric of `expected` with `actual`. A metric matches when both are null or
 * their relative difference is at most `relativeTolerance`; a missing record or metric fails.
 */
export function compareResults(expected: ResultRecord[], actual: ResultRecord[], relativeTolerance: number): ResultComparison[] {
  const actualByKey = new Map(actual.map((record) => [record.key, record]));
  const comparisons: ResultComparison[] = [];
  for (const record of expected) {
    const other = actualByKey.get(record.key);
    for (const [metric, value] of Object.entries(record.metrics)) {
      const otherValue = other?.metrics[metric];
      let relativeDifference = 0;
      let ok: boolean;
      if (otherValue === undefined) {
        ok = false;
        relativeDifference = Number.POSITIVE_INFINITY;
      } else if (value === null || otherValue === null) {
        ok = value === otherValue;
        relativeDifference = ok ? 0 : Number.POSITIVE_INFINITY;
      } else {
        relativeDifference = value === otherValue ? 0 : Math.abs(otherValue - value) / Math.max(Math.abs(value), 1e-12);
        ok = relativeDifference <= relativeTolerance;
      }
      comparisons.push({ key: record.key, metric, expected: value, actual: otherValue ?? null, relativeDifference, ok });
    }
  }
  return comparisons;
}
