import { SynganError } from '../core/errors';
import { type Arithmetic, type ArithmeticRequest, resolveArithmetic } from './arithmetic';
import { type FeatureMatrix, assertSameDims, validateFeatureMatrix } from './feature-matrix';
import { type InnerProductBlock, squaredRowNorms } from './inner-products';
import { type PairKind, type PairwiseConsumer, pairwiseMultiplyAdds, runPairwisePass } from './pairwise-pass';

/** Options shared by the k-NN metrics. */
export interface KnnMetricOptions {
  /** Arithmetic of the inner products; `auto` picks float32 for large inputs. */
  arithmetic?: ArithmeticRequest;
}

/** Improved precision and recall, with k-NN radii as the manifold estimate of each set. */
export interface PrecisionRecallResult {
  /** Fraction of fake samples inside some real sample's k-NN ball. */
  precision: number;
  /** Fraction of real samples inside some fake sample's k-NN ball. */
  recall: number;
  precisionCount: number;
  recallCount: number;
  nReal: number;
  nFake: number;
  k: number;
  arithmetic: Arithmetic;
}

/** Density and coverage, with k-NN radii of the real samples. */
export interface DensityCoverageResult {
  /** densityCount / (k · nFake); 1 on average when fake and real come from one distribution. */
  density: number;
  /** Fraction of real samples whose k-NN ball contains at least one fake sample. */
  coverage: number;
  /** Number of (real, fake) pairs with the fake sample inside the real sample's ball. */
  densityCount: number;
  coverageCount: number;
  nReal: number;
  nFake: number;
  k: number;
  arithmetic: Arithmetic;
}

/**
 * Per row, the `k` smallest values offered so far, ascending (a flat n × k array that starts at
 * +Infinity). Used for the squared k-NN distances.
 */
class SmallestValues {
  readonly values: Float64Array;
  /** The current k-th smallest value of each row, for a quick rejection test. */
  readonly largestKept: Float64Array;

  constructor(readonly rows: number, readonly k: number) {
    this.values = new Float64Array(rows * k).fill(Infinity);
    this.largestKept = new Float64Array(rows).fill(Infinity);
  }

  /** Inserts `value` into `row`; call only when value < largestKept[row]. */
  insert(row: number, value: number): void {
    const base = row * this.k;
    let position = this.k - 1;
    while (position > 0 && this.values[base + position - 1] > value) {
      this.values[base + position] = this.values[base + position - 1];
      position -= 1;
    }
    this.values[base + position] = value;
    this.largestKept[row] = this.values[base + this.k - 1];
  }

  /** Returns the k'-th smallest value (1-based k' ≤ k) of every row. */
  kth(kPrime: number): Float64Array {
    const result = new Float64Array(this.rows);
    for (let row = 0; row < this.rows; row += 1) result[row] = this.values[row * this.k + kPrime - 1];
    return result;
  }
}

/**
 * Computes precision/recall and/or density/coverage from pairwise inner-product blocks. Squared
 * Euclidean distances come from ‖x‖² + ‖y‖² − 2 x·y (clamped at 0) and are compared squared:
 * precision and recall count a match when distance ≤ radius, density and coverage when
 * distance < radius. A radius is the distance to the k-th nearest neighbour in the sample's own
 * set, the sample itself excluded.
 */
export class PrdcAccumulator implements PairwiseConsumer {
  readonly kinds: readonly PairKind[];
  private readonly realNearest: SmallestValues;
  private readonly fakeNearest: SmallestValues | null;
  private realPrRadius2: Float64Array = new Float64Array(0);
  private realDcRadius2: Float64Array = new Float64Array(0);
  private fakePrRadius2: Float64Array = new Float64Array(0);
  private readonly precisionHit: Uint8Array;
  private readonly recallHit: Uint8Array;
  private readonly coverageHit: Uint8Array;
  private densityCount = 0;

  constructor(private readonly realNorms: Float64Array, private readonly fakeNorms: Float64Array,
    private readonly prK: number | null, private readonly dcK: number | null) {
    const realK = Math.max(prK ?? 0, dcK ?? 0);
    this.realNearest = new SmallestValues(realNorms.length, realK);
    this.fakeNearest = prK === null ? null : new SmallestValues(fakeNorms.length, prK);
    this.kinds = prK === null ? ['real-real', 'real-fake'] : ['real-real', 'fake-fake', 'real-fake'];
    this.precisionHit = new Uint8Array(fakeNorms.length);
    this.recallHit = new Uint8Array(realNorms.length);
    this.coverageHit = new Uint8Array(realNorms.length);
  }

  visit(kind: PairKind, block: InnerProductBlock): void {
    if (kind === 'real-fake') this.visitCross(block);
    else this.visitSelf(kind === 'real-real' ? this.realNearest : this.fakeNearest!, kind === 'real-real' ? this.realNorms : this.fakeNorms, block);
  }

  private visitSelf(nearest: SmallestValues, norms: Float64Array, block: InnerProductBlock): void {
    const { rowStart, rowEnd, colStart, colEnd, values } = block;
    const width = colEnd - colStart;
    const largestKept = nearest.largestKept;
    for (let i = rowStart; i < rowEnd; i += 1) {
      const offset = (i - rowStart) * width - colStart;
      const normI = norms[i];
      let largestI = largestKept[i];
      for (let j = i + 1; j < colEnd; j += 1) {
        const distance2 = Math.max(0, normI + norms[j] - 2 * values[offset + j]);
        if (distance2 < largestI) {
          nearest.insert(i, distance2);
          largestI = largestKept[i];
        }
        if (distance2 < largestKept[j]) nearest.insert(j, distance2);
      }
    }
  }

  finishKind(kind: PairKind): void {
    if (kind === 'real-real') {
      if (this.prK !== null) this.realPrRadius2 = this.realNearest.kth(this.prK);
      if (this.dcK !== null) this.realDcRadius2 = this.realNearest.kth(this.dcK);
    } else if (kind === 'fake-fake' && this.fakeNearest && this.prK !== null) {
      this.fakePrRadius2 = this.fakeNearest.kth(this.prK);
    }
  }

  private visitCross(block: InnerProductBlock): void {
    const { rowStart, rowEnd, colStart, colEnd, values } = block;
    const width = colEnd - colStart;
    const withPr = this.prK !== null;
    const withDc = this.dcK !== null;
    const fakeNorms = this.fakeNorms;
    const fakePrRadius2 = this.fakePrRadius2;
    const precisionHit = this.precisionHit;
    let densityCount = 0;
    for (let i = rowStart; i < rowEnd; i += 1) {
      const offset = (i - rowStart) * width - colStart;
      const normI = this.realNorms[i];
      const prRadius2 = withPr ? this.realPrRadius2[i] : 0;
      const dcRadius2 = withDc ? this.realDcRadius2[i] : 0;
      let recalled = this.recallHit[i];
      let covered = this.coverageHit[i];
      for (let j = colStart; j < colEnd; j += 1) {
        const distance2 = Math.max(0, normI + fakeNorms[j] - 2 * values[offset + j]);
        if (withPr) {
          if (distance2 <= prRadius2) precisionHit[j] = 1;
          if (distance2 <= fakePrRadius2[j]) recalled = 1;
        }
        if (withDc && distance2 < dcRadius2) {
          densityCount += 1;
          covered = 1;
        }
      }
      this.recallHit[i] = recalled;
      this.coverageHit[i] = covered;
    }
    this.densityCount += densityCount;
  }

  precisionRecall(arithmetic: Arithmetic): PrecisionRecallResult {
    const nReal = this.realNorms.length;
    const nFake = this.fakeNorms.length;
    const precisionCount = count(this.precisionHit);
    const recallCount = count(this.recallHit);
    return {
      precision: precisionCount / nFake, recall: recallCount / nReal, precisionCount, recallCount,
      nReal, nFake, k: this.prK ?? 0, arithmetic,
    };
  }

  densityCoverage(arithmetic: Arithmetic): DensityCoverageResult {
    const nReal = this.realNorms.length;
    const nFake = this.fakeNorms.length;
    const k = this.dcK ?? 0;
    const coverageCount = count(this.coverageHit);
    return {
      density: this.densityCount / (k * nFake), coverage: coverageCount / nReal,
      densityCount: this.densityCount, coverageCount, nReal, nFake, k, arithmetic,
    };
  }
}

function count(flags: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < flags.length; i += 1) total += flags[i];
  return total;
}

/** Throws unless k is a positive integer and each named set has more than k rows. */
export function assertKnnSizes(k: number, sets: readonly [FeatureMatrix, string][], metric: string): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new SynganError(`${metric}: invalid k = ${k}`, { hint: 'k must be a positive integer (3 for precision/recall, 5 for density/coverage)' });
  }
  for (const [matrix, name] of sets) {
    if (matrix.rows <= k) {
      throw new SynganError(`${metric}: ${name} have ${matrix.rows} samples, but k = ${k} nearest neighbours (the sample itself excluded) need at least ${k + 1}`,
        { hint: 'pass more samples or use a smaller k' });
    }
  }
}

function validatePair(real: FeatureMatrix, fake: FeatureMatrix): void {
  validateFeatureMatrix(real, 'real features');
  validateFeatureMatrix(fake, 'fake features');
  assertSameDims(real, fake, 'real features', 'fake features');
}

/**
 * Computes improved precision and recall with k-NN radii (default k = 3) between real and fake
 * feature matrices (n × dims each, more than k rows each).
 */
export function precisionRecall(real: FeatureMatrix, fake: FeatureMatrix, k = 3, options: KnnMetricOptions = {}): PrecisionRecallResult {
  validatePair(real, fake);
  assertKnnSizes(k, [[real, 'real features'], [fake, 'fake features']], 'precision/recall');
  const accumulator = new PrdcAccumulator(squaredRowNorms(real), squaredRowNorms(fake), k, null);
  const arithmetic = resolveArithmetic(options.arithmetic, pairwiseMultiplyAdds(real.rows, fake.rows, real.cols, accumulator.kinds));
  runPairwisePass(real, fake, arithmetic, [accumulator]);
  return accumulator.precisionRecall(arithmetic);
}

/**
 * Computes density and coverage with k-NN radii of the real samples (default k = 5) between real
 * and fake feature matrices (n × dims each, more than k real rows).
 */
export function densityCoverage(real: FeatureMatrix, fake: FeatureMatrix, k = 5, options: KnnMetricOptions = {}): DensityCoverageResult {
  validatePair(real, fake);
  assertKnnSizes(k, [[real, 'real features']], 'density/coverage');
  const accumulator = new PrdcAccumulator(squaredRowNorms(real), squaredRowNorms(fake), null, k);
  const arithmetic = resolveArithmetic(options.arithmetic, pairwiseMultiplyAdds(real.rows, fake.rows, real.cols, accumulator.kinds));
  runPairwisePass(real, fake, arithmetic, [accumulator]);
  return accumulator.densityCoverage(arithmetic);
}
