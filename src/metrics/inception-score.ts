import { SynganError } from '../core/errors';
import { type FeatureMatrix, toFloat64, validateFeatureMatrix } from './feature-matrix';

/** Options for `inceptionScore`. */
export interface InceptionScoreOptions {
  /** Number of consecutive splits (default 10). */
  splits?: number;
}

/** Result of `inceptionScore`. */
export interface InceptionScoreResult {
  /** Mean of the per-split scores. */
  mean: number;
  /** Standard deviation of the per-split scores (population, ddof = 0). */
  std: number;
  /** Score over all rows as one split. */
  singleSplit: number;
  perSplit: number[];
  splits: number;
  count: number;
}

/** Largest |row sum − 1| accepted for a probability row. */
const ROW_SUM_TOLERANCE = 1e-3;

/** Throws a SynganError unless every row of `probabilities` is a probability vector (naming the first bad row). */
export function validateProbabilities(probabilities: FeatureMatrix, name = 'class probabilities'): void {
  validateFeatureMatrix(probabilities, name);
  const { rows, cols, data } = probabilities;
  for (let i = 0; i < rows; i += 1) {
    let sum = 0;
    for (let c = 0; c < cols; c += 1) {
      const value = data[i * cols + c];
      if (value < 0 || value > 1) {
        throw new SynganError(`${name}: row ${i}, class ${c} is ${value}, outside [0, 1]`,
          { hint: 'pass softmax probabilities, not logits' });
      }
      sum += value;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new SynganError(`${name}: row ${i} sums to ${sum}, not 1`, { hint: 'pass softmax probabilities, one row per sample' });
    }
  }
}

/**
 * Returns score − 1 = expm1(mean_i KL(p(y|x_i) ‖ p(y))) over rows [start, end), with p(y) the mean
 * of those rows. Working with score − 1 keeps the digits of scores close to 1 for the std.
 */
function scoreMinusOne(data: Float64Array, cols: number, start: number, end: number): number {
  const marginal = new Float64Array(cols);
  for (let i = start; i < end; i += 1) for (let c = 0; c < cols; c += 1) marginal[c] += data[i * cols + c];
  for (let c = 0; c < cols; c += 1) marginal[c] /= end - start;

  // log(p / p(y)) rather than log p − log p(y): no cancellation when p is close to p(y).
  let klSum = 0;
  for (let i = start; i < end; i += 1) {
    for (let c = 0; c < cols; c += 1) {
      const p = data[i * cols + c];
      if (p > 0) klSum += p * Math.log(p / marginal[c]);
    }
  }
  return Math.expm1(klSum / (end - start));
}

/**
 * Computes the Inception Score exp(E_x KL(p(y|x) ‖ p(y))) of an n × classes probability matrix
 * (natural log) over `splits` consecutive splits [⌊k·n/splits⌋, ⌊(k+1)·n/splits⌋), unshuffled,
 * with p(y) the mean of each split's rows. Ranges from 1 (one class everywhere, or uninformative
 * rows) to the number of classes (confident and balanced).
 */
export function inceptionScore(probabilities: FeatureMatrix, options: InceptionScoreOptions = {}): InceptionScoreResult {
  validateProbabilities(probabilities);
  const splits = options.splits ?? 10;
  const { rows, cols } = probabilities;
  if (!Number.isInteger(splits) || splits < 1) {
    throw new SynganError(`Inception Score: invalid number of splits ${splits}`, { hint: 'use a positive integer (default 10)' });
  }
  if (rows < splits) {
    throw new SynganError(`Inception Score: ${rows} samples cannot fill ${splits} splits`,
      { hint: 'pass at least one sample per split (thousands for a meaningful score) or use fewer splits' });
  }
  const data = toFloat64(probabilities);
  const excess: number[] = [];
  for (let k = 0; k < splits; k += 1) {
    excess.push(scoreMinusOne(data, cols, Math.floor((k * rows) / splits), Math.floor(((k + 1) * rows) / splits)));
  }
  const meanExcess = excess.reduce((a, b) => a + b, 0) / splits;
  const variance = excess.reduce((a, b) => a + (b - meanExcess) ** 2, 0) / splits;
  return {
    mean: 1 + meanExcess,
    std: Math.sqrt(variance),
    singleSplit: 1 + scoreMinusOne(data, cols, 0, rows),
    perSplit: excess.map((value) => 1 + value),
    splits,
    count: rows,
  };
}
