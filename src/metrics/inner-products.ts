import { tf } from '../core/backend';
import type { Arithmetic } from './arithmetic';
import { type FeatureMatrix, toFloat64 } from './feature-matrix';
import { dot, innerProductBlock } from './linalg';

/**
 * A block of inner products x_i · y_j for rows [rowStart, rowEnd) of the first matrix and rows
 * [colStart, colEnd) of the second, row-major with `colEnd − colStart` values per row.
 */
export interface InnerProductBlock {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  values: Float32Array | Float64Array;
}

/** Default maximum number of values in one block (32 MiB as float64). */
export const DEFAULT_BLOCK_VALUES = 1 << 22;

/**
 * Calls `visit` for blocks that together cover every inner product between rows of `a` and rows of
 * `b`. With `b === 'self'` the blocks cover the pairs of rows of `a` with column ≥ row (each
 * block spans columns [rowStart, rows)); the visitor reads only the entries with column > row.
 * Memory stays below `maxBlockValues` values per block. A block's `values` may be reused by the
 * next block, so the visitor must not keep it.
 */
export function forEachInnerProductBlock(a: FeatureMatrix, b: FeatureMatrix | 'self', arithmetic: Arithmetic,
  visit: (block: InnerProductBlock) => void, maxBlockValues = DEFAULT_BLOCK_VALUES): void {
  const symmetric = b === 'self';
  const second = symmetric ? a : b;
  const dims = a.cols;
  const rowsPerBlock = Math.max(4, Math.floor(maxBlockValues / Math.max(second.rows, 1) / 4) * 4);

  if (arithmetic === 'float64') {
    const x = toFloat64(a);
    const y = symmetric ? x : toFloat64(second);
    const buffer = new Float64Array(Math.min(rowsPerBlock, a.rows) * second.rows);
    for (let rowStart = 0; rowStart < a.rows; rowStart += rowsPerBlock) {
      const rowEnd = Math.min(a.rows, rowStart + rowsPerBlock);
      const colStart = symmetric ? rowStart : 0;
      const colEnd = second.rows;
      const values = buffer.subarray(0, (rowEnd - rowStart) * (colEnd - colStart));
      innerProductBlock(x, rowStart, rowEnd, y, colStart, colEnd, dims, values);
      visit({ rowStart, rowEnd, colStart, colEnd, values });
    }
    return;
  }

  const x = tf.tensor2d(toFloat32(a), [a.rows, dims], 'float32');
  const y = symmetric ? x : tf.tensor2d(toFloat32(second), [second.rows, dims], 'float32');
  try {
    for (let rowStart = 0; rowStart < a.rows; rowStart += rowsPerBlock) {
      const rowEnd = Math.min(a.rows, rowStart + rowsPerBlock);
      const colStart = symmetric ? rowStart : 0;
      const colEnd = second.rows;
      const product = tf.tidy(() => tf.matMul(
        x.slice([rowStart, 0], [rowEnd - rowStart, dims]),
        y.slice([colStart, 0], [colEnd - colStart, dims]),
        false, true));
      const values = product.dataSync() as Float32Array;
      product.dispose();
      visit({ rowStart, rowEnd, colStart, colEnd, values });
    }
  } finally {
    x.dispose();
    if (y !== x) y.dispose();
  }
}

/** Squared Euclidean norm of every row, in float64 (summed in the same order as the float64 blocks). */
export function squaredRowNorms(matrix: FeatureMatrix): Float64Array {
  const data = toFloat64(matrix);
  const norms = new Float64Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i += 1) norms[i] = dot(data, i * matrix.cols, data, i * matrix.cols, matrix.cols);
  return norms;
}

/** Returns the matrix data as a Float32Array, copying only when it is float64. */
export function toFloat32(matrix: FeatureMatrix): Float32Array {
  return matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
}
