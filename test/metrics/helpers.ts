import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../../src/core/errors';
import { projectRoot } from '../../src/core/files';
import { Random } from '../../src/core/random';
import { type FeatureMatrix, readFeatureMatrix } from '../../src/metrics';

/** Folder of the reference fixtures, next to the checkout; absent in a plain user clone. */
export const goldenDir = path.resolve(projectRoot(), '..', 'shared', 'golden');

/** A skip message for `test(..., { skip })` when the reference fixtures are absent, else false. */
export const goldenSkip: string | false = fs.existsSync(path.join(goldenDir, 'expected.json'))
  ? false
  : `reference fixtures not found at ${goldenDir}`;

/** Parsed `expected.json` of the reference fixtures (only call when `goldenSkip` is false). */
export function goldenExpected(): any {
  return JSON.parse(fs.readFileSync(path.join(goldenDir, 'expected.json'), 'utf8'));
}

/** Real and fake features of a reference case, as float64. */
export function goldenFeatures(name: string): { real: FeatureMatrix; fake: FeatureMatrix } {
  return {
    real: readFeatureMatrix(path.join(goldenDir, 'features', `${name}_real.json`)),
    fake: readFeatureMatrix(path.join(goldenDir, 'features', `${name}_fake.json`)),
  };
}

/** Returns a float32 copy of a matrix (the values rounded to float32). */
export function asFloat32(matrix: FeatureMatrix): FeatureMatrix {
  return { rows: matrix.rows, cols: matrix.cols, data: Float32Array.from(matrix.data) };
}

/** Standard normal samples (Box–Muller on the seeded generator), rows × cols, scaled and shifted per column. */
export function gaussianMatrix(rows: number, cols: number, seed: number, scale: (col: number) => number = () => 1,
  shift: (col: number) => number = () => 0): FeatureMatrix {
  const random = new Random(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i += 1) {
    const u = 1 - random.next();
    const v = random.next();
    const col = i % cols;
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * scale(col) + shift(col);
  }
  return { rows, cols, data };
}

/** Asserts |actual − expected| ≤ relative × |expected| (or ≤ relative when expected is 0). */
export function assertRelative(actual: number, expected: number, relative: number, what: string): void {
  const bound = relative * (expected === 0 ? 1 : Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: ${actual} vs expected ${expected} (rel tolerance ${relative})`);
}

/** Runs `fn`, asserts it throws a SynganError with a hint, and returns the error. */
export function catchSynganError(fn: () => unknown): SynganError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SynganError, `expected a SynganError, got ${String(error)}`);
    assert.ok((error.hint ?? '').length > 0, `a hint comes with: ${error.message}`);
    return error;
  }
  assert.fail('expected a SynganError, but nothing was thrown');
}

export { makeTempDir } from '../temp-dir';
