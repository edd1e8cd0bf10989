import { SynganError } from '../core/errors';
import { type Arithmetic, type ArithmeticRequest, resolveArithmetic } from './arithmetic';
import { type FeatureMatrix, assertSameDims, toFloat64, validateFeatureMatrix } from './feature-matrix';
import { forEachInnerProductBlock, squaredRowNorms } from './inner-products';

/** Options for `memorisation`. */
export interface MemorisationOptions {
  /**
   * Quantile of the test-to-train nearest distances below which a fake sample counts as a near-copy
   * (default 0.01: closer to a training sample than 99% of real test samples are).
   */
  nearCopyQuantile?: number;
  /** Number of closest (fake, train) pairs to return (default 16). */
  closestPairs?: number;
  /** Arithmetic of the inner products; `auto` picks float32 for large inputs. */
  arithmetic?: ArithmeticRequest;
}

/** Nearest training sample of each query sample. */
export interface NearestTrain {
  /** Euclidean distance to the nearest training sample, per query row. */
  distances: Float64Array;
  /** Row of that training sample. */
  trainIndices: Int32Array;
}

/** Quantiles of a set of distances (linear interpolation between order statistics, as numpy's default). */
export interface DistanceSummary {
  min: number;
  p01: number;
  p05: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
  mean: number;
}

/** A fake sample and its nearest training sample. */
export interface ClosestPair {
  fakeIndex: number;
  trainIndex: number;
  distance: number;
}

/** Result of `memorisation`. */
export interface MemorisationResult {
  fakeToTrain: NearestTrain;
  testToTrain: NearestTrain;
  fakeSummary: DistanceSummary;
  testSummary: DistanceSummary;
  /** fakeSummary.median / testSummary.median: well below 1 suggests copying of training samples. */
  medianRatio: number;
  nearCopyQuantile: number;
  /** The `nearCopyQuantile` quantile of the test-to-train distances. */
  nearCopyThreshold: number;
  /** Fake samples whose nearest-train distance is below the threshold. */
  nearCopyCount: number;
  /** nearCopyCount / number of fake samples; about `nearCopyQuantile` when nothing is copied. */
  nearCopyFraction: number;
  /** The closest (fake, train) pairs, nearest first, for drawing side by side. */
  closestPairs: ClosestPair[];
  arithmetic: Arithmetic;
}

/** Candidates per query kept from the inner products, then re-ranked by exact float64 distances. */
const CANDIDATES = 4;

/** Value at quantile q of ascending `sorted`, interpolating linearly between order statistics. */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

function summarize(distances: Float64Array): DistanceSummary {
  const sorted = Float64Array.from(distances).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    min: sorted[0], p01: quantileOfSorted(sorted, 0.01), p05: quantileOfSorted(sorted, 0.05),
    p25: quantileOfSorted(sorted, 0.25), median: quantileOfSorted(sorted, 0.5),
    p75: quantileOfSorted(sorted, 0.75), max: sorted[sorted.length - 1], mean,
  };
}

/**
 * Finds the nearest row of `train` for every row of `queries`. Candidates come from the
 * inner-product blocks (‖q‖² + ‖t‖² − 2 q·t). The best few are re-ranked by the exact float64
 * distance, so near-copies get accurate distances even with float32 products.
 */
export function nearestTrainSamples(queries: FeatureMatrix, train: FeatureMatrix, arithmetic: Arithmetic): NearestTrain {
  const queryNorms = squaredRowNorms(queries);
  const trainNorms = squaredRowNorms(train);
  const candidateDistance = new Float64Array(queries.rows * CANDIDATES).fill(Infinity);
  const candidateIndex = new Int32Array(queries.rows * CANDIDATES).fill(-1);

  forEachInnerProductBlock(queries, train, arithmetic, ({ rowStart, rowEnd, colStart, colEnd, values }) => {
    const width = colEnd - colStart;
    for (let i = rowStart; i < rowEnd; i += 1) {
      const base = i * CANDIDATES;
      const offset = (i - rowStart) * width - colStart;
      for (let j = colStart; j < colEnd; j += 1) {
        const distance2 = queryNorms[i] + trainNorms[j] - 2 * values[offset + j];
        let position = CANDIDATES - 1;
        if (!(distance2 < candidateDistance[base + position])) continue;
        while (position > 0 && candidateDistance[base + position - 1] > distance2) {
          candidateDistance[base + position] = candidateDistance[base + position - 1];
          candidateIndex[base + position] = candidateIndex[base + position - 1];
          position -= 1;
        }
        candidateDistance[base + position] = distance2;
        candidateIndex[base + position] = j;
      }
    }
  });

  const q = toFloat64(queries);
  const t = toFloat64(train);
  const dims = queries.cols;
  const distances = new Float64Array(queries.rows);
  const trainIndices = new Int32Array(queries.rows);
  for (let i = 0; i < queries.rows; i += 1) {
    let best = Infinity;
    let bestIndex = -1;
    for (let c = 0; c < CANDIDATES; c += 1) {
      const j = candidateIndex[i * CANDIDATES + c];
      if (j < 0) continue;
      let sum = 0;
      for (let k = 0; k < dims; k += 1) {
        const difference = q[i * dims + k] - t[j * dims + k];
        sum += difference * difference;
      }
      if (sum < best || (sum === best && j < bestIndex)) {
        best = sum;
        bestIndex = j;
      }
    }
    distances[i] = Math.sqrt(best);
    trainIndices[i] = bestIndex;
  }
  return { distances, trainIndices };
}

/**
 * Measures how close fake samples are to the training set in feature space, next to the same
 * statistic for real test samples (which the model never saw). A fake sample is a near-copy when
 * its nearest-train distance is below the `nearCopyQuantile` quantile of the test-to-train
 * distances. Without copying, about that fraction of fake samples falls below it by chance.
 */
export function memorisation(train: FeatureMatrix, fake: FeatureMatrix, test: FeatureMatrix,
  options: MemorisationOptions = {}): MemorisationResult {
  validateFeatureMatrix(train, 'train features');
  validateFeatureMatrix(fake, 'fake features');
  validateFeatureMatrix(test, 'test features');
  assertSameDims(train, fake, 'train features', 'fake features');
  assertSameDims(train, test, 'train features', 'test features');
  const nearCopyQuantile = options.nearCopyQuantile ?? 0.01;
  if (!(nearCopyQuantile > 0 && nearCopyQuantile < 1)) {
    throw new SynganError(`memorisation: invalid near-copy quantile ${nearCopyQuantile}`, { hint: 'use a value in (0, 1), for example 0.01' });
  }
  const closestPairCount = options.closestPairs ?? 16;
  if (!Number.isInteger(closestPairCount) || closestPairCount < 0) {
    throw new SynganError(`memorisation: invalid number of closest pairs ${closestPairCount}`, { hint: 'use a non-negative integer' });
  }
  const arithmetic = resolveArithmetic(options.arithmetic, (fake.rows + test.rows) * train.rows * train.cols);

  const fakeToTrain = nearestTrainSamples(fake, train, arithmetic);
  const testToTrain = nearestTrainSamples(test, train, arithmetic);
  const fakeSummary = summarize(fakeToTrain.distances);
  const testSummary = summarize(testToTrain.distances);
  const nearCopyThreshold = quantileOfSorted(Float64Array.from(testToTrain.distances).sort(), nearCopyQuantile);
  let nearCopyCount = 0;
  for (const distance of fakeToTrain.distances) if (distance < nearCopyThreshold) nearCopyCount += 1;

  const order = Array.from(fakeToTrain.distances.keys()).sort((a, b) => fakeToTrain.distances[a] - fakeToTrain.distances[b] || a - b);
  const closestPairs = order.slice(0, closestPairCount).map((fakeIndex) => ({
    fakeIndex, trainIndex: fakeToTrain.trainIndices[fakeIndex], distance: fakeToTrain.distances[fakeIndex],
  }));
  return {
    fakeToTrain, testToTrain, fakeSummary, testSummary,
    medianRatio: fakeSummary.median / testSummary.median,
    nearCopyQuantile, nearCopyThreshold, nearCopyCount, nearCopyFraction: nearCopyCount / fake.rows,
    closestPairs, arithmetic,
  };
}
