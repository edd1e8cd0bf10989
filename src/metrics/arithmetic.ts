import { SynganError } from '../core/errors';

/**
 * Which arithmetic runs the large matrix products (covariances, pairwise inner products):
 * - `float64`: plain JavaScript in float64, the reference path (about 1e9 multiply-adds per second
 *   per core, so it suits small and medium inputs);
 * - `float32`: `tf.matMul` on the loaded TensorFlow.js backend in float32, much faster on large
 *   inputs. Each inner product then has a relative error of roughly 1e-7 × √dims, which moves FID
 *   and KID by about 1e-5 relative and can flip a precision/recall/density/coverage count where a
 *   distance ties a radius to within that error.
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
