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
 * Writes into `result[0..7]` the dot products of four rows of `a` (from `aOffset`, `aStride` apart)
 * with two rows of `b` (from `bOffset`, `bStride` apart): result[r] for b's first row and
 * result[4 + r] for its second. Same summation order as `dot`; about twice as fast as two `dot4` calls.
 */
export function dot4x2(a: Float64Array, aOffset: number, aStride: number, b: Float64Array, bOffset: number,
  bStride: number, length: number, result: Float64Array): void {
  const o1 = aOffset + aStride;
  const o2 = o1 + aStride;
  const o3 = o2 + aStride;
  const p1 = bOffset + bStride;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let k = 0; k < length; k += 1) {
    const b0 = b[bOffset + k];
    const b1 = b[p1 + k];
    const a0 = a[aOffset + k];
    const a1 = a[o1 + k];
    const a2 = a[o2 + k];
    const a3 = a[o3 + k];
    s0 += a0 * b0;
    s1 += a1 * b0;
    s2 += a2 * b0;
    s3 += a3 * b0;
    t0 += a0 * b1;
    t1 += a1 * b1;
    t2 += a2 * b1;
    t3 += a3 * b1;
  }
  result[0] = s0;
  result[1] = s1;
  result[2] = s2;
  result[3] = s3;
  result[4] = t0;
  result[5] = t1;
  result[6] = t2;
  result[7] = t3;
}

/**
 * Fills `out` (row-major, `rowEnd − rowStart` rows of `colEnd − colStart` values) with the inner
 * products of rows [rowStart, rowEnd) of `a` and rows [colStart, colEnd) of `b`, both `dims` wide.
 */
export function innerProductBlock(a: Float64Array, rowStart: number, rowEnd: number, b: Float64Array,
  colStart: number, colEnd: number, dims: number, out: Float64Array): void {
  const width = colEnd - colStart;
  const eight = new Float64Array(8);
  let i = rowStart;
  for (; i + 4 <= rowEnd; i += 4) {
    const outRow = (i - rowStart) * width;
    let j = colStart;
    for (; j + 2 <= colEnd; j += 2) {
      dot4x2(a, i * dims, dims, b, j * dims, dims, dims, eight);
      const o = outRow + (j - colStart);
      for (let r = 0; r < 4; r += 1) {
        out[o + r * width] = eight[r];
        out[o + r * width + 1] = eight[4 + r];
      }
    }
    for (; j < colEnd; j += 1) {
      for (let r = 0; r < 4; r += 1) out[outRow + r * width + (j - colStart)] = dot(a, (i + r) * dims, b, j * dims, dims);
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
 * factor of lower rank instead of a failure. The dropped part is positive semi-definite and at
 * most that small per remaining dimension. Left-looking (each column of L from dot products of rows of
 * L), about dims³/6 multiply-adds; `s` is not modified.
 */
export function pivotedCholesky(s: Float64Array, dims: number, relativeTolerance: number): PivotedCholesky {
  const l = new Float64Array(dims * dims);
  const perm = new Int32Array(dims);
  const residual = new Float64Array(dims);
  let maxDiagonal = 0;
  for (let i = 0; i < dims; i += 1) {
    perm[i] = i;
    residual[i] = s[i * dims + i];
    maxDiagonal = Math.max(maxDiagonal, residual[i]);
  }
  const threshold = relativeTolerance * maxDiagonal;
  const four = new Float64Array(4);

  let rank = 0;
  for (let k = 0; k < dims; k += 1) {
    // The pivot is the largest diagonal entry of the Schur complement left after k columns.
    let p = k;
    for (let i = k + 1; i < dims; i += 1) if (residual[i] > residual[p]) p = i;
    const pivot = residual[p];
    if (!(pivot > threshold) || pivot <= 0) break;
    if (p !== k) {
      swapEntries(perm, k, p);
      swapEntries(residual, k, p);
      for (let c = 0; c < k; c += 1) swapEntries(l, k * dims + c, p * dims + c);
    }

    // L[i][k] = (S[perm i][perm k] − Σ_{c<k} L[i][c] L[k][c]) / L[k][k], L stored row-major.
    const lkk = Math.sqrt(pivot);
    l[k * dims + k] = lkk;
    const column = perm[k];
    let i = k + 1;
    for (; i + 4 <= dims; i += 4) {
      dot4(l, i * dims, dims, l, k * dims, k, four);
      for (let r = 0; r < 4; r += 1) {
        const value = (s[perm[i + r] * dims + column] - four[r]) / lkk;
        l[(i + r) * dims + k] = value;
        residual[i + r] -= value * value;
      }
    }
    for (; i < dims; i += 1) {
      const value = (s[perm[i] * dims + column] - dot(l, i * dims, l, k * dims, k)) / lkk;
      l[i * dims + k] = value;
      residual[i] -= value * value;
    }
    rank = k + 1;
  }

  const lt = new Float64Array(rank * dims);
  for (let i = 0; i < dims; i += 1) for (let c = 0; c < Math.min(rank, i + 1); c += 1) lt[c * dims + i] = l[i * dims + c];
  return { lt, rank, perm };
}

function swapEntries(values: Float64Array | Int32Array, x: number, y: number): void {
  const t = values[x];
  values[x] = values[y];
  values[y] = t;
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
  const eight = new Float64Array(8);
  let c = 0;
  for (; c + 4 <= rank; c += 4) {
    let j = 0;
    for (; j + 2 <= dims; j += 2) {
      dot4x2(lt, c * dims + c, dims, permuted, j * dims + c, dims, dims - c, eight);
      for (let r = 0; r < 4; r += 1) {
        w[(c + r) * dims + j] = eight[r];
        w[(c + r) * dims + j + 1] = eight[4 + r];
      }
    }
    for (; j < dims; j += 1) {
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
 * Computes the Householder vector of column k below the diagonal of the lower-triangle matrix `a`
 * (n × n): fills v[k+1..n) so that (I − β v vᵀ) x = α e1, and returns β (0 when x is already zero)
 * and α.
 */
function householder(a: Float64Array, n: number, k: number, v: Float64Array): { beta: number; alpha: number } {
  let scale = 0;
  for (let i = k + 1; i < n; i += 1) scale = Math.max(scale, Math.abs(a[i * n + k]));
  if (scale === 0) {
    v.fill(0, k + 1, n);
    return { beta: 0, alpha: 0 };
  }
  let norm2 = 0;
  for (let i = k + 1; i < n; i += 1) {
    v[i] = a[i * n + k] / scale;
    norm2 += v[i] * v[i];
  }
  const x0 = v[k + 1];
  const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
  v[k + 1] = x0 - alpha;
  const vtv = norm2 - x0 * x0 + v[k + 1] * v[k + 1];
  return { beta: vtv === 0 ? 0 : 2 / vtv, alpha: alpha * scale };
}

/**
 * Reduces a symmetric `n × n` matrix (only its lower triangle is read, and it is overwritten) to
 * tridiagonal form with Householder reflections. Returns the diagonal and the sub-diagonal
 * (`offDiagonal[i]` couples i and i + 1); the eigenvalues are unchanged. About (2/3) n³
 * multiply-adds. Each step's rank-2 update of the trailing matrix and the next step's
 * matrix-vector product share one pass over memory.
 */
export function tridiagonalize(a: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  if (n <= 2) {
    for (let i = 0; i < n; i += 1) diagonal[i] = a[i * n + i];
    if (n === 2) offDiagonal[0] = a[n + 0];
    return { diagonal, offDiagonal };
  }
  // Vectors are indexed by absolute row: v and w of step k live in [k+1, n).
  let v = new Float64Array(n);
  let nextV = new Float64Array(n);
  const w = new Float64Array(n);
  const p = new Float64Array(n);

  // Step 0's reflector and p = β A22 v over the trailing matrix [1, n).
  let { beta, alpha } = householder(a, n, 0, v);
  for (let i = 1; i < n; i += 1) {
    const row = i * n;
    const vi = v[i];
    let sum = 0;
    for (let j = 1; j < i; j += 1) {
      const aij = a[row + j];
      sum += aij * v[j];
      p[j] += aij * vi;
    }
    p[i] += sum + a[row + i] * vi;
  }

  for (let k = 0; k + 2 < n; k += 1) {
    diagonal[k] = a[k * n + k];
    offDiagonal[k] = alpha;
    const start = k + 1;

    // w = β A22 v − (β/2)(vᵀ β A22 v) v, from p = A22 v accumulated by the previous pass.
    let ptv = 0;
    for (let i = start; i < n; i += 1) {
      p[i] *= beta;
      ptv += p[i] * v[i];
    }
    const half = (beta / 2) * ptv;
    for (let i = start; i < n; i += 1) w[i] = p[i] - half * v[i];

    // Column k + 1 first (rows ≥ k + 1), because the next reflector comes from it.
    const next = k + 1;
    for (let i = next; i < n; i += 1) a[i * n + next] -= v[i] * w[next] + w[i] * v[next];
    if (next + 2 >= n) {
      // Last step: update the final 2 × 2 block, no further reflector.
      const i = n - 1;
      a[i * n + i] -= 2 * v[i] * w[i];
      break;
    }
    const nextReflector = householder(a, n, next, nextV);

    // A22 −= v wᵀ + w vᵀ on rows/columns ≥ k + 2, and p = A22 · nextV for step k + 1 in the same pass.
    // Two rows at a time, so each load of v, w, nextV and p[j] serves both.
    p.fill(0);
    const first = next + 1;
    let i = first;
    for (; i + 1 < n; i += 2) {
      const row0 = i * n;
      const row1 = row0 + n;
      const v0 = v[i];
      const w0 = w[i];
      const u0 = nextV[i];
      const v1 = v[i + 1];
      const w1 = w[i + 1];
      const u1 = nextV[i + 1];
      let sum0 = 0;
      let sum1 = 0;
      for (let j = first; j < i; j += 1) {
        const vj = v[j];
        const wj = w[j];
        const uj = nextV[j];
        const a0 = a[row0 + j] - (v0 * wj + w0 * vj);
        const a1 = a[row1 + j] - (v1 * wj + w1 * vj);
        a[row0 + j] = a0;
        a[row1 + j] = a1;
        sum0 += a0 * uj;
        sum1 += a1 * uj;
        p[j] += a0 * u0 + a1 * u1;
      }
      const a10 = a[row1 + i] - (v1 * w0 + w1 * v0);
      a[row1 + i] = a10;
      const a00 = a[row0 + i] - 2 * v0 * w0;
      a[row0 + i] = a00;
      const a11 = a[row1 + i + 1] - 2 * v1 * w1;
      a[row1 + i + 1] = a11;
      p[i] += sum0 + a00 * u0 + a10 * u1;
      p[i + 1] += sum1 + a10 * u0 + a11 * u1;
    }
    if (i < n) {
      const row = i * n;
      const vi = v[i];
      const wi = w[i];
      const ui = nextV[i];
      let sum = 0;
      for (let j = first; j < i; j += 1) {
        const aij = a[row + j] - (vi * w[j] + wi * v[j]);
        a[row + j] = aij;
        sum += aij * nextV[j];
        p[j] += aij * ui;
      }
      const aii = a[row + i] - 2 * vi * wi;
      a[row + i] = aii;
      p[i] += sum + aii * ui;
    }

    const swap = v;
    v = nextV;
    nextV = swap;
    beta = nextReflector.beta;
    alpha = nextReflector.alpha;
  }
  diagonal[n - 2] = a[(n - 2) * n + n - 2];
  offDiagonal[n - 2] = a[(n - 1) * n + n - 2];
  diagonal[n - 1] = a[(n - 1) * n + n - 1];
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
