// Times FID + KID + precision/recall + density/coverage on 10,000 real and 10,000 fake feature
// vectors of 128 and 2048 dimensions, median of 3. The features are two slightly different
// seeded Gaussians. The same metrics run in NumPy/SciPy (bench/metrics_reference.py, system
// python3) on the same float32 features and KID subsets, and the values of both are compared.
// Usage: node dist/bench/metrics.js [--dims 128,2048] [--repeats 3]
// For numpy's speed, run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describeBackend } from '../src/core/backend';
import { projectRoot } from '../src/core/files';
import { Random } from '../src/core/random';
import { writeNpy } from '../src/data/npy';
import { type FeatureMatrix, computeMetrics, densityCoverage, frechetDistance, kernelInceptionDistance, kidSubsetIndices, precisionRecall } from '../src/metrics';

const ROWS = 10_000;
const KID_SUBSETS = 100;
const KID_SUBSET_SIZE = 1000;
const SEED = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeMs<T>(fn: () => T): { result: T; ms: number } {
  const startNs = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - startNs) / 1e6 };
}

/** rows × dims float32 Gaussian features: N(shift, scale²) per column, Box–Muller on a seeded generator. */
function gaussianFeatures(rows: number, dims: number, seed: string, scale: number, shift: number): FeatureMatrix {
  const random = new Random(seed);
  const data = new Float32Array(rows * dims);
  for (let i = 0; i < data.length; i += 1) {
    const u = 1 - random.next();
    const v = random.next();
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * scale + shift;
  }
  return { rows, cols: dims, data };
}

/** Relative difference |a − b| / max(|b|, tiny). */
function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

interface CaseResult {
  dims: number;
  synganMs: { total: number; fid: number; kid: number; prdc: number };
  numpyMs: { total: number; fid: number; kid: number; prdc: number };
  ratioNumpyOverSyngan: number;
  syngan: Record<string, unknown>;
  numpy: Record<string, number>;
  maxRelativeDifference: Record<string, number>;
  countDifference: Record<string, number>;
}

/**
 * Runs the metric benchmark and returns the timings (median ms of `repeats` runs) and values of
 * syngan and of the NumPy/SciPy reference per feature dimension.
 */
export async function benchMetrics(dimsList: number[] = [128, 2048], repeats = 3): Promise<Record<string, unknown>> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-metrics-'));
  try {
    const features = new Map<number, { real: FeatureMatrix; fake: FeatureMatrix }>();
    for (const dims of dimsList) {
      const real = gaussianFeatures(ROWS, dims, `${SEED}/real/${dims}`, 1, 0);
      const fake = gaussianFeatures(ROWS, dims, `${SEED}/fake/${dims}`, 1.05, 0.02);
      features.set(dims, { real, fake });
      writeNpy(path.join(work, `real_${dims}.npy`), { shape: [ROWS, dims], dtype: '<f4', data: real.data });
      writeNpy(path.join(work, `fake_${dims}.npy`), { shape: [ROWS, dims], dtype: '<f4', data: fake.data });
      const subsets = kidSubsetIndices(ROWS, ROWS, { subsets: KID_SUBSETS, subsetSize: KID_SUBSET_SIZE, seed: SEED });
      writeNpy(path.join(work, `kid_real_${dims}.npy`), { shape: [KID_SUBSETS, KID_SUBSET_SIZE], dtype: '<i4', data: Int32Array.from(subsets.real.flat()) });
      writeNpy(path.join(work, `kid_fake_${dims}.npy`), { shape: [KID_SUBSETS, KID_SUBSET_SIZE], dtype: '<i4', data: Int32Array.from(subsets.fake.flat()) });
    }

    // Both sides run in this session, one after the other, so the machine's load is comparable.
    const script = path.join(projectRoot(), 'bench', 'metrics_reference.py');
    const reference = spawnSync('python3', [script, work, ...dimsList.map(String), '--repeats', String(repeats)],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (reference.status !== 0) throw new Error(`metrics_reference.py failed: ${reference.stderr}`);
    const numpyOut = JSON.parse(reference.stdout) as { numpy: string; scipy: string; blas: string; cases: Record<string, Record<string, number>> };

    const cases: CaseResult[] = [];
    for (const dims of dimsList) {
      const { real, fake } = features.get(dims)!;
      const options = { kidSubsets: KID_SUBSETS, kidSubsetSize: KID_SUBSET_SIZE, seed: SEED };
      const totals: number[] = [];
      let record: Record<string, unknown> = {};
      for (let r = 0; r < repeats; r += 1) {
        const run = timeMs(() => computeMetrics(real, fake, options));
        totals.push(run.ms);
        record = run.result;
      }
      // Separate timings per metric (computeMetrics shares the pairwise products of KID and PRDC).
      const fidMs: number[] = [];
      const kidMs: number[] = [];
      const prdcMs: number[] = [];
      for (let r = 0; r < repeats; r += 1) {
        fidMs.push(timeMs(() => frechetDistance(real, fake)).ms);
        kidMs.push(timeMs(() => kernelInceptionDistance(real, fake, { subsets: KID_SUBSETS, subsetSize: KID_SUBSET_SIZE, seed: SEED })).ms);
        prdcMs.push(timeMs(() => {
          precisionRecall(real, fake, 3);
          densityCoverage(real, fake, 5);
        }).ms);
      }

      const numpy = numpyOut.cases[String(dims)];
      const maxRelativeDifference: Record<string, number> = {};
      for (const key of ['fid', 'kid_mean', 'kid_std', 'kid_full', 'precision', 'recall', 'density', 'coverage']) {
        maxRelativeDifference[key] = relativeDifference(record[key] as number, numpy[key]);
      }
      const countDifference: Record<string, number> = {};
      for (const key of ['precision_count', 'recall_count', 'density_count', 'coverage_count']) {
        countDifference[key] = (record[key] as number) - numpy[key];
      }
      const synganTotal = median(totals);
      cases.push({
        dims,
        synganMs: { total: synganTotal, fid: median(fidMs), kid: median(kidMs), prdc: median(prdcMs) },
        numpyMs: { total: numpy.total_ms, fid: numpy.fid_ms, kid: numpy.kid_ms, prdc: numpy.prdc_ms },
        ratioNumpyOverSyngan: numpy.total_ms / synganTotal,
        syngan: record,
        numpy,
        maxRelativeDifference,
        countDifference,
      });
    }
    return {
      rows: ROWS, kidSubsets: KID_SUBSETS, kidSubsetSize: KID_SUBSET_SIZE, repeats,
      backend: describeBackend(),
      numpy: { numpy: numpyOut.numpy, scipy: numpyOut.scipy, blas: numpyOut.blas },
      loadAverage: os.loadavg(),
      cases,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function table(result: Record<string, unknown>): string {
  const lines = ['| dims | syngan total ms | NumPy/SciPy total ms | NumPy / syngan | syngan FID / KID / PRDC ms | NumPy FID / KID / PRDC ms |',
    '| --- | --- | --- | --- | --- | --- |'];
  for (const c of result.cases as CaseResult[]) {
    const s = c.synganMs;
    const n = c.numpyMs;
    lines.push(`| ${c.dims} | ${s.total.toFixed(0)} | ${n.total.toFixed(0)} | ${c.ratioNumpyOverSyngan.toFixed(2)} | ` +
      `${s.fid.toFixed(0)} / ${s.kid.toFixed(0)} / ${s.prdc.toFixed(0)} | ${n.fid.toFixed(0)} / ${n.kid.toFixed(0)} / ${n.prdc.toFixed(0)} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const argument = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const dims = (argument('--dims') ?? '128,2048').split(',').map(Number);
  const repeats = Number(argument('--repeats') ?? 3);
  benchMetrics(dims, repeats).then((result) => {
    console.log(JSON.stringify(result, null, 2));
    console.log(table(result));
  }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
