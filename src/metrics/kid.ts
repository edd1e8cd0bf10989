import { SynganError } from '../core/errors';
import { Random } from '../core/random';
import { type Arithmetic, type ArithmeticRequest, resolveArithmetic } from './arithmetic';
import { type FeatureMatrix, assertSameDims, validateFeatureMatrix } from './feature-matrix';
import type { InnerProductBlock } from './inner-products';
import { type PairKind, type PairwiseConsumer, pairwiseMultiplyAdds, runPairwisePass } from './pairwise-pass';

/** Rows of each KID subset: `real[s]` and `fake[s]` are 0-based row indices of subset s. */
export interface KidSubsetIndices {
  real: readonly (readonly number[])[];
  fake: readonly (readonly number[])[];
}

/** Options for `kernelInceptionDistance`. */
export interface KidOptions {
  /** Number of random subsets (default 100). Ignored when `indices` is given. */
  subsets?: number;
  /** Rows per subset from each set, drawn without replacement (default 1000). Ignored when `indices` is given. */
  subsetSize?: number;
  /** Seed of the subset draw (default 0). */
  seed?: number;
  /** Explicit subset rows instead of a random draw. */
  indices?: KidSubsetIndices;
  /** Arithmetic of the inner products; `auto` picks float32 for large inputs. */
  arithmetic?: ArithmeticRequest;
}

/** Result of `kernelInceptionDistance`; every value is an unbiased MMD² estimate. */
export interface KidResult {
  /** Mean of the per-subset MMD². */
  mean: number;
  /** Standard deviation of the per-subset MMD² (population, ddof = 0). */
  std: number;
  /** MMD² over all rows of both sets. */
  full: number;
  /** Per-subset MMD², in subset order. */
  perSubset: number[];
  subsetSize: number;
  subsets: number;
  arithmetic: Arithmetic;
}

/** First position in sorted `values` that is ≥ `target`. */
function lowerBound(values: Int32Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Draws `subsets` subsets of `subsetSize` rows without replacement from `rows` rows, with the
 * seeded Alea generator (partial Fisher–Yates per subset).
 */
export function drawKidSubsets(rows: number, subsets: number, subsetSize: number, random: Random): number[][] {
  const pool = new Int32Array(rows);
  const result: number[][] = [];
  for (let s = 0; s < subsets; s += 1) {
    for (let i = 0; i < rows; i += 1) pool[i] = i;
    const chosen: number[] = [];
    for (let i = 0; i < subsetSize; i += 1) {
      const j = i + random.int(rows - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      chosen.push(pool[i]);
    }
    result.push(chosen);
  }
  return result;
}

function toSortedSubset(indices: readonly number[], rows: number, name: string, subset: number): Int32Array {
  const sorted = Int32Array.from(indices).sort();
  for (let i = 0; i < sorted.length; i += 1) {
    if (!Number.isInteger(indices[i]) || sorted[i] < 0 || sorted[i] >= rows) {
      throw new SynganError(`KID subset ${subset}: ${name} row index ${indices[i]} is out of range [0, ${rows})`,
        { hint: 'subset indices are 0-based rows of the feature matrix' });
    }
    if (i > 0 && sorted[i] === sorted[i - 1]) {
      throw new SynganError(`KID subset ${subset}: ${name} row ${sorted[i]} appears twice`,
        { hint: 'subsets are drawn without replacement; the unbiased MMD² needs distinct rows' });
    }
  }
  if (sorted.length < 2) {
    throw new SynganError(`KID subset ${subset}: ${name} has ${sorted.length} rows, the unbiased MMD² needs at least 2`,
      { hint: 'use larger subsets' });
  }
  return sorted;
}

/** For each row, the subsets that contain it and its position in each subset's sorted rows. */
interface Membership {
  /** Entries of row r are [offsets[r], offsets[r + 1]). */
  offsets: Int32Array;
  subsets: Int32Array;
  positions: Int32Array;
}

function membershipOf(sortedSubsets: Int32Array[], rows: number): Membership {
  const offsets = new Int32Array(rows + 1);
  for (const subset of sortedSubsets) for (const row of subset) offsets[row + 1] += 1;
  for (let r = 0; r < rows; r += 1) offsets[r + 1] += offsets[r];
  const fill = offsets.slice(0, rows);
  const total = offsets[rows];
  const subsets = new Int32Array(total);
  const positions = new Int32Array(total);
  sortedSubsets.forEach((subset, s) => {
    subset.forEach((row, position) => {
      subsets[fill[row]] = s;
      positions[fill[row]] = position;
      fill[row] += 1;
    });
  });
  return { offsets, subsets, positions };
}

/**
 * Accumulates the kernel sums of KID from pairwise inner-product blocks: over all rows, and over
 * the rows of each subset. Each row's kernel values are computed once into a scratch row, from
 * which the subsets that contain the row gather their columns while the row is still in cache.
 */
export class KidAccumulator implements PairwiseConsumer {
  readonly kinds: readonly PairKind[] = ['real-real', 'fake-fake', 'real-fake'];
  private readonly inverseDims: number;
  private readonly realSubsets: Int32Array[];
  private readonly fakeSubsets: Int32Array[];
  private readonly realMembership: Membership;
  private readonly fakeMembership: Membership;
  private readonly sums: Record<PairKind, { full: number; perSubset: Float64Array }>;
  private kernelRow = new Float64Array(0);

  constructor(private readonly realRows: number, private readonly fakeRows: number, dims: number, indices: KidSubsetIndices) {
    this.inverseDims = 1 / dims;
    if (indices.real.length !== indices.fake.length || indices.real.length === 0) {
      throw new SynganError(`KID subset indices: ${indices.real.length} real and ${indices.fake.length} fake subsets`,
        { hint: 'give the same, non-zero number of real and fake subsets' });
    }
    this.realSubsets = indices.real.map((rows, s) => toSortedSubset(rows, realRows, 'real', s));
    this.fakeSubsets = indices.fake.map((rows, s) => toSortedSubset(rows, fakeRows, 'fake', s));
    this.realMembership = membershipOf(this.realSubsets, realRows);
    this.fakeMembership = membershipOf(this.fakeSubsets, fakeRows);
    const count = this.realSubsets.length;
    this.sums = {
      'real-real': { full: 0, perSubset: new Float64Array(count) },
      'fake-fake': { full: 0, perSubset: new Float64Array(count) },
      'real-fake': { full: 0, perSubset: new Float64Array(count) },
    };
  }

  visit(kind: PairKind, block: InnerProductBlock): void {
    const { rowStart, rowEnd, colStart, colEnd, values } = block;
    const width = colEnd - colStart;
    const inverseDims = this.inverseDims;
    const symmetric = kind !== 'real-fake';
    const perSubset = this.sums[kind].perSubset;
    const membership = kind === 'fake-fake' ? this.fakeMembership : this.realMembership;
    const colSets = kind === 'real-real' ? this.realSubsets : this.fakeSubsets;
    if (this.kernelRow.length < width) this.kernelRow = new Float64Array(width);
    const kernelRow = this.kernelRow;

    let full = 0;
    for (let i = rowStart; i < rowEnd; i += 1) {
      // Kernel values of row i for the columns this block owns (j > i when symmetric).
      const offset = (i - rowStart) * width;
      const from = symmetric ? i + 1 - colStart : 0;
      let rowSum = 0;
      for (let c = from; c < width; c += 1) {
        const t = values[offset + c] * inverseDims + 1;
        const k = t * t * t;
        kernelRow[c] = k;
        rowSum += k;
      }
      full += rowSum;

      for (let m = membership.offsets[i]; m < membership.offsets[i + 1]; m += 1) {
        const s = membership.subsets[m];
        const cols = colSets[s];
        // Symmetric: the subset's rows after i (sorted, so all > i). Cross: its rows in this block.
        const first = symmetric ? membership.positions[m] + 1 : lowerBound(cols, colStart);
        const last = symmetric ? cols.length : lowerBound(cols, colEnd);
        let subsetSum = 0;
        for (let b = first; b < last; b += 1) subsetSum += kernelRow[cols[b] - colStart];
        perSubset[s] += subsetSum;
      }
    }
    this.sums[kind].full += full;
  }

  /** Returns the MMD² estimates from the sums so far (after a full pass). */
  result(arithmetic: Arithmetic): KidResult {
    const mmd = (sumXX: number, sumYY: number, sumXY: number, m: number, n: number): number =>
      (2 * sumXX) / (m * (m - 1)) + (2 * sumYY) / (n * (n - 1)) - (2 * sumXY) / (m * n);
    const perSubset: number[] = [];
    for (let s = 0; s < this.realSubsets.length; s += 1) {
      perSubset.push(mmd(this.sums['real-real'].perSubset[s], this.sums['fake-fake'].perSubset[s],
        this.sums['real-fake'].perSubset[s], this.realSubsets[s].length, this.fakeSubsets[s].length));
    }
    const mean = perSubset.reduce((a, b) => a + b, 0) / perSubset.length;
    const variance = perSubset.reduce((a, b) => a + (b - mean) ** 2, 0) / perSubset.length;
    const full = mmd(this.sums['real-real'].full, this.sums['fake-fake'].full, this.sums['real-fake'].full, this.realRows, this.fakeRows);
    return {
      mean, std: Math.sqrt(variance), full, perSubset,
      subsetSize: this.realSubsets[0].length, subsets: perSubset.length, arithmetic,
    };
  }
}

/** Validated subset rows for `options`: the explicit indices, or a seeded draw. */
export function kidSubsetIndices(realRows: number, fakeRows: number, options: KidOptions): KidSubsetIndices {
  if (options.indices) return options.indices;
  const subsets = options.subsets ?? 100;
  const subsetSize = options.subsetSize ?? 1000;
  if (!Number.isInteger(subsets) || subsets < 1) {
    throw new SynganError(`invalid KID subset count ${subsets}`, { hint: 'use a positive integer (default 100)' });
  }
  if (!Number.isInteger(subsetSize) || subsetSize < 2) {
    throw new SynganError(`invalid KID subset size ${subsetSize}`, { hint: 'use an integer of at least 2 (default 1000)' });
  }
  const smaller = Math.min(realRows, fakeRows);
  if (subsetSize > smaller) {
    throw new SynganError(`KID subset size ${subsetSize} is larger than the ${realRows} real / ${fakeRows} fake samples`,
      { hint: `use a subset size of at most ${smaller}, or pass more samples` });
  }
  const random = new Random(`${options.seed ?? 0}/kid-subsets`);
  const real = drawKidSubsets(realRows, subsets, subsetSize, random);
  const fake = drawKidSubsets(fakeRows, subsets, subsetSize, random);
  return { real, fake };
}

/**
 * Computes the Kernel Inception Distance between real and fake feature matrices (n × dims each):
 * the unbiased MMD² with k(x, y) = (x·y / dims + 1)³ over random subsets (mean and population
 * standard deviation) and over all rows (`full`).
 */
export function kernelInceptionDistance(real: FeatureMatrix, fake: FeatureMatrix, options: KidOptions = {}): KidResult {
  validateFeatureMatrix(real, 'real features');
  validateFeatureMatrix(fake, 'fake features');
  assertSameDims(real, fake, 'real features', 'fake features');
  const indices = kidSubsetIndices(real.rows, fake.rows, options);
  const accumulator = new KidAccumulator(real.rows, fake.rows, real.cols, indices);
  const arithmetic = resolveArithmetic(options.arithmetic, pairwiseMultiplyAdds(real.rows, fake.rows, real.cols, accumulator.kinds));
  runPairwisePass(real, fake, arithmetic, [accumulator]);
  return accumulator.result(arithmetic);
}
