import path from 'node:path';

import { writeFileAtomic, writeJsonAtomic } from '../core/files';
import type { StepMetrics } from './gan-trainer';

/** One row of the training history: the figures of one step. */
export interface HistoryRow extends StepMetrics {
  /** Steps completed, 1 for the first step. */
  step: number;
  /** Epoch (0-based) of the last real batch the step used. */
  epoch: number;
  /** Real images per second in this step (batch × critic updates / step time); varies run to run. */
  imagesPerS: number;
  /** Training wall time so far, summed over resumed sessions; varies run to run. */
  elapsedMs: number;
}

/** Columns of `history.csv`, in order. */
export const HISTORY_COLUMNS: Array<keyof HistoryRow> = [
  'step', 'epoch', 'dLoss', 'gLoss', 'dReal', 'dFake', 'gradientPenalty', 'wasserstein', 'imagesPerS', 'elapsedMs',
];

/** Formats the history as CSV with a header row and empty cells where a figure does not apply. */
export function historyToCsv(rows: readonly HistoryRow[]): string {
  const lines = [HISTORY_COLUMNS.join(',')];
  for (const row of rows) lines.push(HISTORY_COLUMNS.map((column) => (row[column] === null ? '' : String(row[column]))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes `history.json` and `history.csv` into `dir`, atomically. */
export function writeHistory(dir: string, rows: readonly HistoryRow[]): void {
  writeJsonAtomic(path.join(dir, 'history.json'), rows);
  writeFileAtomic(path.join(dir, 'history.csv'), historyToCsv(rows));
}
