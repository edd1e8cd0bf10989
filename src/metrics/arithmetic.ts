import { SynganError } from '../core/errors';

/**
 * Which arithmetic runs the large matrix products (covariances, pairwise inner products):
 * - `float64`: plain JavaScript in float64, the reference path. It ran at about 1e9 to 2e9
 *   multiply-adds per second on one core of a 2-core x86-64 VM (Node 20), so it suits small and
 *   medium inputs.
 * - `float32`: `tf.matMul` on the loaded TensorFlow.js backend in float32, much faster on large
 *   inputs. Each inner product then carries float32 round-off. In bench/metrics.ts (10,000 × 128
 *   and × 2048 Gaussian features) FID and KID differed from a float64 NumPy computation by less
 *   than 1e-7 relative and the k-NN counts were equal, but a count can flip where a distance ties
 *   a radius to within that round-off. FID with singular covariances (n ≤ dims) moved by up to
 *   about 1e-4 relative, which is why FID's `auto` keeps float64 there.
 * Everything after the products (sums, the FID eigenvalue problem, k-NN radii) runs in float64
 * either way.
 */
export type Arithmetic = 'float64' | 'float32';

/** A requested arithmetic; `auto` picks float64 for small products and float32 for large ones. */
export type ArithmeticRequest = Arithmetic | 'auto';

/**
 * Largest product (in multiply-adds) for which `auto` still picks float64: at about 1e9
 * multiply-adds per second in plain JavaScript that is a few seconds of work.
 */
export const AUTO_FLOAT64_MAX_MULTIPLY_ADDS = 2e9;

/** Resolves `request` for a computation of `multiplyAdds` multiply-adds. */
export function resolveArithmetic(request: ArithmeticRequest | undefined, multiplyAdds: number): Arithmetic {
  const value = request ?? 'auto';
  if (value === 'float64' || value === 'float32') return value;
  if (value !== 'auto') {
    throw new SynganError(`invalid arithmetic "${String(value)}"`, { hint: 'use "auto", "float64" or "float32"' });
  }
  return multiplyAdds <= AUTO_FLOAT64_MAX_MULTIPLY_ADDS ? 'float64' : 'float32';
}
