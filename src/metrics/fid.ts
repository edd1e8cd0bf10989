import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { type Arithmetic, type ArithmeticRequest, resolveArithmetic } from './arithmetic';
import { type FeatureMatrix, assertSameDims, validateFeatureMatrix } from './feature-matrix';
import { congruence, dot, dot4x2, pivotedCholesky, tridiagonalEigenvalues, tridiagonalize } from './linalg';

/** Mean and unbiased covariance (divided by n − 1) of a feature matrix, in float64. */
export interface GaussianStatistics {
  count: number;
  dims: number;
  mean: Float64Array;
  /** `dims × dims`, row-major, symmetric. */
  covariance: Float64Array;
}

/** Result of `frechetDistance`. */
export interface FidResult {
  /** ‖μ1 − μ2‖² + tr(S1) + tr(S2) − 2 tr √(S1 S2). Biased upwards at small sample counts. */
  fid: number;
  nReal: number;
  nFake: number;
  dims: number;
  /** ‖μ1 − μ2‖². */
  meanTerm: number;
  /** tr(S1) + tr(S2) − 2 tr √(S1 S2). */
  traceTerm: number;
  /** ε added to both covariance diagonals because the first attempt was not finite; 0 when none. */
  offsetAdded: number;
  /**
   * |Im tr √(S1 S2)| from negative eigenvalues of the product beyond round-off; present only when
   * non-zero. The real part is used, as the reference implementation does.
   */
  imaginaryPart?: number;
  /** Arithmetic of the covariance products. */
  arithmetic: Arithmetic;
}

/** Options for `frechetDistance`. */
export interface FidOptions {
  /** Arithmetic of the covariance products; `auto` picks float32 when n · dims² is large. */
  arithmetic?: ArithmeticRequest;
}

/**
 * Eigenvalues of S1 S2 below this fraction of the largest (in magnitude) are treated as zero, and
 * so are pivots of S1 below it times the largest variance: they are round-off of a singular
 * product. The same threshold serves float32 covariances: a larger one would drop real directions
 * of ill-conditioned covariances (condition number 5e4 already gives eigenvalue ratios of 4e-10).
 */
export const FID_ZERO_EIGENVALUE_RELATIVE = 1e-12;

/** ε added to both covariance diagonals when the first attempt is not finite, as pytorch-fid's calculate_frechet_distance does. */
export const FID_OFFSET_EPSILON = 1e-6;

/**
 * Imaginary part of tr √(S1 S2) above which the FID is rejected. pytorch-fid raises when an
 * imaginary diagonal entry of √(S1 S2) exceeds 1e-3; here the limit applies to the trace,
 * relative to max(1, |Re tr √(S1 S2)|).
 */
export const FID_MAX_IMAGINARY_RELATIVE = 1e-3;

/**
 * Computes the mean and unbiased covariance of `matrix` (n × dims, n ≥ 2). The mean and the
 * centring are float64; the covariance product runs in `arithmetic`.
 */
export function gaussianStatistics(matrix: FeatureMatrix, arithmetic: Arithmetic = 'float64'): GaussianStatistics {
  const { rows: n, cols: dims } = matrix;
  const data = matrix.data;
  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < dims; j += 1) mean[j] += data[i * dims + j];
  for (let j = 0; j < dims; j += 1) mean[j] /= n;

  const covariance = new Float64Array(dims * dims);
  if (arithmetic === 'float32') {
    const centred = new Float32Array(n * dims);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < dims; j += 1) centred[i * dims + j] = data[i * dims + j] - mean[j];
    const tensor = tf.tensor2d(centred, [n, dims], 'float32');
    const product = tf.matMul(tensor, tensor, true, false);
    const values = product.dataSync();
    tensor.dispose();
    product.dispose();
    for (let a = 0; a < dims; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        const value = (0.5 * (values[a * dims + b] + values[b * dims + a])) / (n - 1);
        covariance[a * dims + b] = value;
        covariance[b * dims + a] = value;
      }
    }
    return { count: n, dims, mean, covariance };
  }

  // Centred data, transposed to dims × n so each covariance entry is a dot product of two rows.
  const centredT = new Float64Array(dims * n);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < dims; j += 1) centredT[j * n + i] = data[i * dims + j] - mean[j];
  // Upper triangle a ≤ b, four rows a by two rows b at a time, then mirrored.
  const eight = new Float64Array(8);
  let b = 0;
  for (; b + 2 <= dims; b += 2) {
    let a = 0;
    for (; a + 4 <= b + 1; a += 4) {
      dot4x2(centredT, a * n, n, centredT, b * n, n, n, eight);
      for (let r = 0; r < 4; r += 1) {
        covariance[(a + r) * dims + b] = eight[r] / (n - 1);
        covariance[(a + r) * dims + b + 1] = eight[4 + r] / (n - 1);
      }
    }
    for (; a <= b + 1; a += 1) {
      if (a <= b) covariance[a * dims + b] = dot(centredT, a * n, centredT, b * n, n) / (n - 1);
      covariance[a * dims + b + 1] = dot(centredT, a * n, centredT, (b + 1) * n, n) / (n - 1);
    }
  }
  for (; b < dims; b += 1) {
    for (let a = 0; a <= b; a += 1) covariance[a * dims + b] = dot(centredT, a * n, centredT, b * n, n) / (n - 1);
  }
  for (let row = 1; row < dims; row += 1) {
    for (let col = 0; col < row; col += 1) covariance[row * dims + col] = covariance[col * dims + row];
  }
  return { count: n, dims, mean, covariance };
}

/**
 * Returns tr √(S1 S2) for symmetric positive semi-definite S1, S2 (`dims × dims`), through the
 * eigenvalues λ of Lᵀ S2 L where S1 = L Lᵀ (pivoted Cholesky): tr √(S1 S2) = Σ √λ. Eigenvalues
 * within `zeroRelative` × the largest of zero count as zero; more negative ones make up
 * `imaginary` (Σ √|λ|). Costs about dims³ multiply-adds in float64.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, dims: number, zeroRelative: number):
  { trace: number; imaginary: number; rank: number } {
  const factor = pivotedCholesky(s1, dims, zeroRelative);
  if (factor.rank === 0) return { trace: 0, imaginary: 0, rank: 0 };
  const product = congruence(factor, s2, dims);
  const { diagonal, offDiagonal } = tridiagonalize(product, factor.rank);
  const eigenvalues = tridiagonalEigenvalues(diagonal, offDiagonal);
  let largest = 0;
  for (const value of eigenvalues) largest = Math.max(largest, Math.abs(value));
  const threshold = zeroRelative * largest;
  let trace = 0;
  let imaginary = 0;
  for (const value of eigenvalues) {
    if (value > threshold) trace += Math.sqrt(value);
    else if (value < -threshold) imaginary += Math.sqrt(-value);
  }
  return { trace, imaginary, rank: factor.rank };
}

function withDiagonalOffset(covariance: Float64Array, dims: number, epsilon: number): Float64Array {
  const result = Float64Array.from(covariance);
  for (let i = 0; i < dims; i += 1) result[i * dims + i] += epsilon;
  return result;
}

/**
 * Computes the Fréchet distance between two Gaussians given by their statistics. When the result
 * is not finite, it retries once with `FID_OFFSET_EPSILON` added to both covariance diagonals and
 * records that in `offsetAdded`. It throws a SynganError when the result is still not finite, or
 * when the imaginary part of tr √(S1 S2) exceeds `FID_MAX_IMAGINARY_RELATIVE`.
 */
export function frechetDistanceFromStatistics(real: GaussianStatistics, fake: GaussianStatistics,
  arithmetic: Arithmetic = 'float64'): FidResult {
  if (real.dims !== fake.dims) {
    throw new SynganError(`feature dimensions differ: real statistics have ${real.dims}, fake ${fake.dims}`,
      { hint: 'compute both feature sets with the same extractor' });
  }
  const dims = real.dims;
  let meanTerm = 0;
  for (let j = 0; j < dims; j += 1) meanTerm += (real.mean[j] - fake.mean[j]) ** 2;

  let offsetAdded = 0;
  for (;;) {
    const s1 = offsetAdded > 0 ? withDiagonalOffset(real.covariance, dims, offsetAdded) : real.covariance;
    const s2 = offsetAdded > 0 ? withDiagonalOffset(fake.covariance, dims, offsetAdded) : fake.covariance;
    let traces = 0;
    for (let j = 0; j < dims; j += 1) traces += s1[j * dims + j] + s2[j * dims + j];
    const root = traceSqrtProduct(s1, s2, dims, FID_ZERO_EIGENVALUE_RELATIVE);
    const traceTerm = traces - 2 * root.trace;
    const fid = meanTerm + traceTerm;

    if (Number.isFinite(fid) && Number.isFinite(root.imaginary)) {
      if (root.imaginary > FID_MAX_IMAGINARY_RELATIVE * Math.max(1, Math.abs(root.trace))) {
        throw new SynganError(`FID: tr √(S1 S2) has an imaginary part of ${root.imaginary} (real part ${root.trace})`,
          { hint: 'the covariances are not positive semi-definite; check the features, or use float64 arithmetic' });
      }
      const result: FidResult = { fid, nReal: real.count, nFake: fake.count, dims, meanTerm, traceTerm, offsetAdded, arithmetic };
      if (root.imaginary > 0) result.imaginaryPart = root.imaginary;
      return result;
    }
    if (offsetAdded > 0) {
      throw new SynganError(`FID is not finite (mean term ${meanTerm}, trace term ${traceTerm}) even with ${offsetAdded} added to the covariance diagonals`,
        { hint: 'the features are too large or degenerate; rescale them or check the extractor' });
    }
    offsetAdded = FID_OFFSET_EPSILON;
  }
}

/**
 * Computes the Fréchet Inception Distance between real and fake feature matrices (n × dims each,
 * at least 2 rows) as ‖μ1 − μ2‖² + tr(S1) + tr(S2) − 2 tr √(S1 S2). Means and unbiased
 * covariances are float64, with the covariance products in the chosen arithmetic. The value
 * depends on the extractor that produced the features and is biased upwards at small n.
 */
export function frechetDistance(real: FeatureMatrix, fake: FeatureMatrix, options: FidOptions = {}): FidResult {
  validateFeatureMatrix(real, 'real features');
  validateFeatureMatrix(fake, 'fake features');
  assertSameDims(real, fake, 'real features', 'fake features');
  for (const [matrix, name] of [[real, 'real features'], [fake, 'fake features']] as const) {
    if (matrix.rows < 2) {
      throw new SynganError(`${name}: FID needs at least 2 samples for a covariance, got ${matrix.rows}`,
        { hint: 'pass more samples (FID is strongly biased below a few thousand)' });
    }
  }
  // `auto` keeps float64 while the covariance products cost no more than the dims³ eigenvalue
  // step, which always runs in float64. That covers n ≤ dims, where the covariances are singular
  // and float32 round-off would add spurious directions of about 1e-4 relative weight.
  const dims = real.cols;
  const covarianceMultiplyAdds = ((real.rows + fake.rows) * dims * dims) / 2;
  const multiplyAdds = covarianceMultiplyAdds <= dims * dims * dims ? 0 : covarianceMultiplyAdds;
  const arithmetic = resolveArithmetic(options.arithmetic, multiplyAdds);
  return frechetDistanceFromStatistics(gaussianStatistics(real, arithmetic), gaussianStatistics(fake, arithmetic), arithmetic);
}
