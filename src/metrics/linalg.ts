// Dense float64 linear algebra in plain JavaScript for the metrics: row dot products, pivoted
// Cholesky, the congruence Lᵀ S L, Householder tridiagonalisation and tridiagonal eigenvalues.
// Matrices are row-major Float64Arrays. Every dot product sums its terms in index order with one
// accumulator, so equal inputs give bit-identical results whichever kernel computed them.

/** Dot product of `length` values of `a` from `aOffset` and of `b` from `bOffset`, summed in order. */
export function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let sum = 0;
  for (let k = 0; k < length; k += 1) sum += a[aOffset + k] * b[bOffset + k];
  return sum;
}

/**
 * Writes into `result[0..3]` the dot products of four rows of `a` (starting at `aOffset`, `aStride`
 * apart) with one row of `b` (from `bOffset`), over `length` values. Same summation order as `dot`.
 */
export function dot4(a: Float64Array, aOffset: number, aStride: number, b: Float64Array, bOffset: number,
  length: number, result: Float64Array): void {
  const o1 = aOffset + aStride;
  const o2 = o1 + aStride;
  const o3 = o2 + aStride;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = 0; k < length; k += 1) {
    const bk = b[bOffset + k];
    s0 += a[aOffset + k] * bk;
    s1 += a[o1 + k] * bk;
    s2 += a[o2 + k] * bk;
    s3 += a[o3 + k] * bk;
  }
  result[0] = s0;
  result[1] = s1;
  result[2] = s2;
  result[3] = s3;
}

/**
 * Fills `out` (row-major, `rowEnd − rowStart` rows of `colEnd − colStart` values) with the inner
 * products of rows [rowStart, rowEnd) of `a` and rows [colStart, colEnd) of `b`, both `dims` wide.
 */
export function innerProductBlock(a: Float64Array, rowStart: number, rowEnd: number, b: Float64Array,
  colStart: number, colEnd: number, dims: number, out: Float64Array): void {
  const width = colEnd - colStart;
  const four = new Float64Array(4);
  let i = rowStart;
  for (; i + 4 <= rowEnd; i += 4) {
    const outRow = (i - rowStart) * width;
    for (let j = colStart; j < colEnd; j += 1) {
      dot4(a, i * dims, dims, b, j * dims, dims, four);
      const o = outRow + (j - colStart);
      out[o] = four[0];
      out[o + width] = four[1];
      out[o + 2 * width] = four[2];
      out[o + 3 * width] = four[3];
    }
  }
  for (; i < rowEnd; i += 1) {
    const outRow = (i - rowStart) * width;
    for (let j = colStart; j < colEnd; j += 1) out[outRow + j - colStart] = dot(a, i * dims, b, j * dims, dims);
  }
}

/** Result of `pivotedCholesky`: S[perm[a]][perm[b]] ≈ Σ_c lt[c][a] · lt[c][b] for c < rank. */
export interface PivotedCholesky {
  /** Lᵀ as `rank` rows of `dims` values; row c is zero before position c. */
  lt: Float64Array;
  rank: number;
  /** Position → original row/column index. */
  perm: Int32Array;
}

/**
 * Factors a symmetric positive semi-definite `dims × dims` matrix as P L Lᵀ Pᵀ with diagonal
 * pivoting (the largest remaining diagonal first). It stops when the largest remaining pivot is at
 * most `relativeTolerance` × the largest diagonal entry of `s`, so a singular matrix gets a
 * factor of lower rank instead of a failure; the dropped part is positive semi-definite and at most
 * that small per remaining dimension. Costs about dims³/6 multiply-adds; `s` is not modified.
 */
export function pivotedCholesky(s: Float64Array, dims: number, relativeTolerance: number): PivotedCholesky {
  const work = Float64Array.from(s);
  const lt = new Float64Array(dims * dims);
  const perm = new Int32Array(dims);
  for (let i = 0; i < dims; i += 1) perm[i] = i;
  let maxDiagonal = 0;
  for (let i = 0; i < dims; i += 1) maxDiagonal = Math.max(maxDiagonal, work[i * dims + i]);
  const threshold = relativeTolerance * maxDiagonal;

  let rank = 0;
  for (let k = 0; k < dims; k += 1) {
    let p = k;
    for (let i = k + 1; i < dims; i += 1) if (work[i * dims + i] > work[p * dims + p]) p = i;
    const pivot = work[p * dims + p];
    if (!(pivot > threshold) || pivot <= 0) break;
    if (p !== k) swapPositions(work, lt, perm, dims, k, p);

    // Column k of L goes into row k of Lᵀ; only the lower triangle of `work` is kept up to date.
    const lkk = Math.sqrt(pivot);
    const rowK = k * dims;
    lt[rowK + k] = lkk;
    for (let i = k + 1; i < dims; i += 1) lt[rowK + i] = work[i * dims + k] / lkk;
    for (let i = k + 1; i < dims; i += 1) {
      const li = lt[rowK + i];
      if (li === 0) continue;
      const rowI = i * dims;
      for (let j = k + 1; j <= i; j += 1) work[rowI + j] -= li * lt[rowK + j];
    }
    rank = k + 1;
  }
  return { lt: lt.subarray(0, rank * dims), rank, perm };
}

/** Swaps positions k < p in the trailing lower triangle of `work`, in the finished rows of `lt`, and in `perm`. */
function swapPositions(work: Float64Array, lt: Float64Array, perm: Int32Array, dims: number, k: number, p: number): void {
  const swap = (x: number, y: number): void => {
    const t = work[x];
    work[x] = work[y];
    work[y] = t;
  };
  swap(k * dims + k, p * dims + p);
  for (let j = k + 1; j < p; j += 1) swap(j * dims + k, p * dims + j);
  for (let i = p + 1; i < dims; i += 1) swap(i * dims + k, i * dims + p);
  for (let c = 0; c < k; c += 1) {
    const t = lt[c * dims + k];
    lt[c * dims + k] = lt[c * dims + p];
    lt[c * dims + p] = t;
  }
  const t = perm[k];
  perm[k] = perm[p];
  perm[p] = t;
}

/**
 * Returns M = Lᵀ (Pᵀ S P) L as a `rank × rank` matrix with its lower triangle filled, for the
 * factor of `pivotedCholesky` and a symmetric `dims × dims` matrix `s`. Its eigenvalues are
 * those of S1 · S when S1 = P L Lᵀ Pᵀ. Costs about (2/3) · rank · dims² multiply-adds.
 */
export function congruence(factor: PivotedCholesky, s: Float64Array, dims: number): Float64Array {
  const { lt, rank, perm } = factor;
  const permuted = new Float64Array(dims * dims);
  for (let a = 0; a < dims; a += 1) {
    const source = perm[a] * dims;
    const target = a * dims;
    for (let b = 0; b < dims; b += 1) permuted[target + b] = s[source + perm[b]];
  }

  // W = Lᵀ S_p: W[c][j] = Σ_{k ≥ c} Lᵀ[c][k] S_p[j][k], because S_p is symmetric.
  const w = new Float64Array(rank * dims);
  const four = new Float64Array(4);
  let c = 0;
  for (; c + 4 <= rank; c += 4) {
    for (let j = 0; j < dims; j += 1) {
      dot4(lt, c * dims + c, dims, permuted, j * dims + c, dims - c, four);
      for (let r = 0; r < 4; r += 1) w[(c + r) * dims + j] = four[r];
    }
  }
  for (; c < rank; c += 1) {
    for (let j = 0; j < dims; j += 1) w[c * dims + j] = dot(lt, c * dims + c, permuted, j * dims + c, dims - c);
  }

  // M[b][a] = Σ_{j ≥ b} W[a][j] Lᵀ[b][j] for a ≤ b (Lᵀ[b][j] is zero before j = b).
  const m = new Float64Array(rank * rank);
  for (let b = 0; b < rank; b += 1) {
    let a = 0;
    for (; a + 4 <= b + 1; a += 4) {
      dot4(w, a * dims + b, dims, lt, b * dims + b, dims - b, four);
      for (let r = 0; r < 4; r += 1) m[b * rank + a + r] = four[r];
    }
    for (; a <= b; a += 1) m[b * rank + a] = dot(w, a * dims + b, lt, b * dims + b, dims - b);
  }
  return m;
}

/**
 * Reduces a symmetric `n × n` matrix (only its lower triangle is read, and it is overwritten) to
 * tridiagonal form with Householder reflections. Returns the diagonal and the sub-diagonal
 * (`offDiagonal[i]` couples i and i + 1); the eigenvalues are unchanged. About (2/3) n³ multiply-adds.
 */
export function tridiagonalize(a: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  const v = new Float64Array(n);
  const p = new Float64Array(n);

  for (let k = 0; k + 2 < n; k += 1) {
    diagonal[k] = a[k * n + k];
    const start = k + 1;
    const m = n - start;

    // Householder vector v with (I − β v vᵀ) x = α e1 for x = column k below the diagonal.
    let scale = 0;
    for (let i = start; i < n; i += 1) scale = Math.max(scale, Math.abs(a[i * n + k]));
    if (scale === 0) {
      offDiagonal[k] = 0;
      continue;
    }
    let norm2 = 0;
    for (let i = 0; i < m; i += 1) {
      v[i] = a[(start + i) * n + k] / scale;
      norm2 += v[i] * v[i];
    }
    const x0 = v[0];
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    offDiagonal[k] = alpha * scale;
    v[0] = x0 - alpha;
    const vtv = norm2 - x0 * x0 + v[0] * v[0];
    if (vtv === 0) continue;
    const beta = 2 / vtv;

    // p = β A22 v from the lower triangle, then w = p − (β/2)(pᵀv) v, stored back into p.
    p.fill(0, 0, m);
    for (let i = 0; i < m; i += 1) {
      const row = (start + i) * n + start;
      const vi = v[i];
      let sum = 0;
      for (let j = 0; j < i; j += 1) {
        const aij = a[row + j];
        sum += aij * v[j];
        p[j] += aij * vi;
      }
      p[i] += sum + a[row + i] * vi;
    }
    let ptv = 0;
    for (let i = 0; i < m; i += 1) {
      p[i] *= beta;
      ptv += p[i] * v[i];
    }
    const half = (beta / 2) * ptv;
    for (let i = 0; i < m; i += 1) p[i] -= half * v[i];

    // A22 −= v wᵀ + w vᵀ on the lower triangle.
    for (let i = 0; i < m; i += 1) {
      const row = (start + i) * n + start;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j <= i; j += 1) a[row + j] -= vi * p[j] + wi * v[j];
    }
  }
  if (n >= 2) {
    diagonal[n - 2] = a[(n - 2) * n + n - 2];
    offDiagonal[n - 2] = a[(n - 1) * n + n - 2];
  }
  if (n >= 1) diagonal[n - 1] = a[(n - 1) * n + n - 1];
  return { diagonal, offDiagonal };
}

/**
 * Returns every eigenvalue of the symmetric tridiagonal matrix (`diagonal`, `offDiagonal`), in
 * ascending order, by bisection on Sturm sequence counts. Each eigenvalue is accurate to about
 * 4 · 2⁻⁵² × the largest Gershgorin bound in absolute terms.
 */
export function tridiagonalEigenvalues(diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const n = diagonal.length;
  const eigenvalues = new Float64Array(n);
  if (n === 0) return eigenvalues;
  let lower = Infinity;
  let upper = -Infinity;
  const squares = new Float64Array(Math.max(n - 1, 0));
  for (let i = 0; i < n; i += 1) {
    const radius = (i > 0 ? Math.abs(offDiagonal[i - 1]) : 0) + (i < n - 1 ? Math.abs(offDiagonal[i]) : 0);
    lower = Math.min(lower, diagonal[i] - radius);
    upper = Math.max(upper, diagonal[i] + radius);
    if (i < n - 1) squares[i] = offDiagonal[i] * offDiagonal[i];
  }
  const magnitude = Math.max(Math.abs(lower), Math.abs(upper));
  if (magnitude === 0) return eigenvalues;
  const tolerance = 4 * Number.EPSILON * magnitude;
  const pivotMinimum = Number.MIN_VALUE * 1e10 + Number.EPSILON * Number.EPSILON * magnitude * magnitude;
  lower -= tolerance;
  upper += tolerance;

  // Number of eigenvalues strictly below x (the negative pivots of T − xI).
  const countBelow = (x: number): number => {
    let count = 0;
    let q = diagonal[0] - x;
    if (Math.abs(q) < pivotMinimum) q = -pivotMinimum;
    if (q < 0) count += 1;
    for (let i = 1; i < n; i += 1) {
      q = diagonal[i] - x - squares[i - 1] / q;
      if (Math.abs(q) < pivotMinimum) q = -pivotMinimum;
      if (q < 0) count += 1;
    }
    return count;
  };

  let previous = lower;
  for (let index = 0; index < n; index += 1) {
    let lo = previous;
    let hi = upper;
    while (hi - lo > tolerance) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (countBelow(mid) > index) hi = mid;
      else lo = mid;
    }
    eigenvalues[index] = 0.5 * (lo + hi);
    previous = lo;
  }
  return eigenvalues;
}
