import { SynganError } from '../core/errors';
import { type ArithmeticRequest, resolveArithmetic } from './arithmetic';
import { type FeatureMatrix, assertSameDims, validateFeatureMatrix } from './feature-matrix';
import { frechetDistance } from './fid';
import { inceptionScore } from './inception-score';
import { squaredRowNorms } from './inner-products';
import { KidAccumulator, kidSubsetIndices } from './kid';
import { type PairKind, type PairwiseConsumer, pairwiseMultiplyAdds, runPairwisePass } from './pairwise-pass';
import { PrdcAccumulator, assertKnnSizes } from './prdc';

/** Metric groups of `computeMetrics`: FID, KID, and precision/recall + density/coverage. */
export const METRIC_NAMES = ['fid', 'kid', 'prdc'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Options for `computeMetrics`. */
export interface ComputeMetricsOptions {
  /** Metric groups to compute (default all three). */
  metrics?: readonly string[];
  /** Seed of the KID subset draw (default 0). */
  seed?: number;
  /** Number of KID subsets (default 100). */
  kidSubsets?: number;
  /** Rows per KID subset (default 1000; must not exceed either sample count). */
  kidSubsetSize?: number;
  /** k of precision/recall (default 3). */
  precisionRecallK?: number;
  /** k of density/coverage (default 5). */
  densityCoverageK?: number;
  /** Arithmetic of the large products; `auto` picks float32 for large inputs. */
  arithmetic?: ArithmeticRequest;
  /** Name of the feature extractor, copied into the record. */
  extractor?: string;
}

/**
 * One flat record of metric values, as `syngan metrics --json` prints it (snake_case keys).
 * Keys of metric groups that were not requested are absent.
 */
export type MetricsRecord = Record<string, number | string | boolean>;

/**
 * Parses metric group names (entries may also be comma-separated lists, as `--metrics fid,kid`
 * gives them) and returns them without duplicates. Throws a SynganError on an unknown name.
 */
export function parseMetricNames(names: readonly string[]): MetricName[] {
  const result: MetricName[] = [];
  for (const raw of names.flatMap((entry) => entry.split(','))) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (!(METRIC_NAMES as readonly string[]).includes(name)) {
      throw new SynganError(`unknown metric "${raw}"`, { hint: `use a comma-separated list of ${METRIC_NAMES.join(', ')}` });
    }
    if (!result.includes(name as MetricName)) result.push(name as MetricName);
  }
  if (result.length === 0) throw new SynganError('no metric requested', { hint: `use one or more of ${METRIC_NAMES.join(', ')}` });
  return result;
}

/**
 * Computes the requested metrics between real and fake feature matrices (n × dims each) and
 * returns one record with `fid`, `kid_mean`, `kid_std`, `kid_full`, `precision`, `recall`,
 * `density`, `coverage`, `n_real`, `n_fake` and the settings behind them. KID and the k-NN
 * metrics share one pass over the pairwise inner products.
 */
export function computeMetrics(real: FeatureMatrix, fake: FeatureMatrix, options: ComputeMetricsOptions = {}): MetricsRecord {
  const metrics = parseMetricNames(options.metrics ?? METRIC_NAMES);
  validateFeatureMatrix(real, 'real features');
  validateFeatureMatrix(fake, 'fake features');
  assertSameDims(real, fake, 'real features', 'fake features');

  const record: MetricsRecord = { n_real: real.rows, n_fake: fake.rows, dims: real.cols };
  if (options.extractor !== undefined) record.extractor = options.extractor;

  if (metrics.includes('fid')) {
    const fid = frechetDistance(real, fake, { arithmetic: options.arithmetic });
    record.fid = fid.fid;
    record.fid_mean_term = fid.meanTerm;
    record.fid_trace_term = fid.traceTerm;
    record.fid_offset_added = fid.offsetAdded;
    if (fid.imaginaryPart !== undefined) record.fid_imaginary_part = fid.imaginaryPart;
    record.fid_arithmetic = fid.arithmetic;
  }

  const consumers: PairwiseConsumer[] = [];
  let kid: KidAccumulator | undefined;
  let prdc: PrdcAccumulator | undefined;
  const seed = options.seed ?? 0;
  if (metrics.includes('kid')) {
    const indices = kidSubsetIndices(real.rows, fake.rows, { subsets: options.kidSubsets, subsetSize: options.kidSubsetSize, seed });
    kid = new KidAccumulator(real.rows, fake.rows, real.cols, indices);
    consumers.push(kid);
  }
  const prK = options.precisionRecallK ?? 3;
  const dcK = options.densityCoverageK ?? 5;
  if (metrics.includes('prdc')) {
    assertKnnSizes(prK, [[real, 'real features'], [fake, 'fake features']], 'precision/recall');
    assertKnnSizes(dcK, [[real, 'real features']], 'density/coverage');
    prdc = new PrdcAccumulator(squaredRowNorms(real), squaredRowNorms(fake), prK, dcK);
    consumers.push(prdc);
  }
  if (consumers.length === 0) return record;

  const kinds = new Set<PairKind>(consumers.flatMap((consumer) => [...consumer.kinds]));
  const arithmetic = resolveArithmetic(options.arithmetic, pairwiseMultiplyAdds(real.rows, fake.rows, real.cols, [...kinds]));
  runPairwisePass(real, fake, arithmetic, consumers);

  if (kid) {
    const result = kid.result(arithmetic);
    record.kid_mean = result.mean;
    record.kid_std = result.std;
    record.kid_full = result.full;
    record.kid_subsets = result.subsets;
    record.kid_subset_size = result.subsetSize;
    record.seed = seed;
  }
  if (prdc) {
    const pr = prdc.precisionRecall(arithmetic);
    const dc = prdc.densityCoverage(arithmetic);
    Object.assign(record, {
      precision: pr.precision, recall: pr.recall, density: dc.density, coverage: dc.coverage,
      precision_count: pr.precisionCount, recall_count: pr.recallCount,
      density_count: dc.densityCount, coverage_count: dc.coverageCount,
      precision_recall_k: prK, density_coverage_k: dcK,
    });
  }
  record.pairwise_arithmetic = arithmetic;
  return record;
}

/** Computes the Inception Score of an n × classes probability matrix (10 splits) as a snake_case record. */
export function computeInceptionScore(probabilities: FeatureMatrix, splits = 10): MetricsRecord {
  const result = inceptionScore(probabilities, { splits });
  return { is_mean: result.mean, is_std: result.std, is_single_split: result.singleSplit, is_splits: splits, n_probabilities: result.count };
}
