// Training and export throughput of syngan. Usage: node dist/bench/train.js [--quick]
// Training: the reference DCGAN (the same model and step as the Keras 3 and PyTorch reference
// scripts: one generator forward, a discriminator update on the real batch and the detached
// fake batch, then a generator update through the updated discriminator), on a pool of 8
// random batches uniform in [-1, 1]. Each run builds fresh networks, runs 10 untimed warm-up
// steps and 50 timed steps; images/s = batch / (timed wall time / 50). Median of 3 runs.
// Export: a conditional (cgan) run trained for one step writes 60,000 images as IDX.
// Run it on a quiet machine: with 2 cores, any other busy process distorts the medians.
// `--reference FILE` takes the reference figures from the results_raw.jsonl that the reference
// runner (run_bench.py) wrote in the same session: medians of its uncontaminated rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../src/core/backend';
import { generateDataset, train } from '../src/experiments';
import { buildModels } from '../src/models';
import { GanTrainer } from '../src/training';

type ReferenceFigures = Record<number, { keras: number; torch: number }>;

/** Images per second recorded for the Keras 3 and PyTorch reference scripts on the development VM (2026-12-04). */
export const REFERENCE_IMAGES_PER_S: ReferenceFigures = {
  64: { keras: 383, torch: 282 },
  256: { keras: 396, torch: 314 },
};

/** One step is 30.2 GFLOP at batch 64; at about 210 GFLOP/s on this CPU the ceiling is about 450 images/s (an estimate). */
export const CEILING_IMAGES_PER_S = 450;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Reads the reference runner's JSON lines (one object per run with framework, batch,
 * images_per_s and contaminated) and returns the median images/s of the clean runs.
 */
export function readReferenceRuns(file: string): ReferenceFigures {
  const runs = new Map<string, number[]>();
  for (const [index, line] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: { framework?: string; batch?: number; images_per_s?: number; contaminated?: boolean; rc?: number };
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: invalid JSON; pass the results_raw.jsonl written by run_bench.py`);
    }
    if (row.contaminated || row.rc !== 0 || typeof row.images_per_s !== 'number') continue;
    const key = `${row.framework}/${row.batch}`;
    runs.set(key, [...(runs.get(key) ?? []), row.images_per_s]);
  }
  const figures: ReferenceFigures = {};
  for (const batch of [64, 256]) {
    const keras = runs.get(`keras/${batch}`);
    const torch = runs.get(`torch/${batch}`);
    if (!keras || !torch) throw new Error(`${file}: no clean keras and torch runs at batch ${batch}; rerun run_bench.py with --batches 64 256`);
    figures[batch] = { keras: median(keras), torch: median(torch) };
  }
  return figures;
}

/** Images per second of one run of the reference DCGAN step at `batchSize`. */
export function timeReferenceSteps(batchSize: number, warmupSteps: number, timedSteps: number, seed: number): number {
  const models = buildModels('reference-dcgan', {
    image: { height: 28, width: 28, channels: 1 }, latentDim: 100, width: 64, numClasses: 0, seed,
  });
  const trainer = new GanTrainer(models, {
    loss: 'non-saturating', batchSize, latentDim: 100, numClasses: 0, optimizer: 'adam', lrG: 2e-4, lrD: 2e-4,
    betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0, ema: { enabled: false, decay: 0.999 }, seed,
  });
  const pool = Array.from({ length: 8 }, (_, i) => tf.randomUniform([batchSize, 28, 28, 1], -1, 1, 'float32', seed + i) as Tensor4D);
  try {
    for (let step = 0; step < warmupSteps; step += 1) trainer.step([{ images: pool[step % 8] }], step);
    const startNs = process.hrtime.bigint();
    for (let step = warmupSteps; step < warmupSteps + timedSteps; step += 1) trainer.step([{ images: pool[step % 8] }], step);
    const elapsedS = Number(process.hrtime.bigint() - startNs) / 1e9;
    return (batchSize * timedSteps) / elapsedS;
  } finally {
    tf.dispose(pool);
    trainer.dispose();
    models.generator.store.dispose();
    models.discriminator.store.dispose();
  }
}

/** Images per second of `generateDataset` writing `count` cgan images as IDX. */
export async function timeExport(count: number): Promise<{ imagesPerS: number; elapsedMs: number }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-export-'));
  try {
    const run = await train({ name: 'bench-export', family: 'cgan', steps: 1, maxImages: 256, seed: 1 },
      { runsDir: work, log: () => undefined });
    const startMs = Date.now();
    await generateDataset(run.dir, { count, format: 'idx', outDir: path.join(work, 'out'), seed: 1 });
    const elapsedMs = Date.now() - startMs;
    return { imagesPerS: (count * 1000) / elapsedMs, elapsedMs };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs the training and export benchmarks and returns their figures with ratios to the references. */
export async function benchTrain(options: { quick?: boolean; referenceFile?: string } = {}): Promise<Record<string, unknown>> {
  const references = options.referenceFile ? readReferenceRuns(options.referenceFile) : REFERENCE_IMAGES_PER_S;
  const repeats = options.quick ? 1 : 3;
  const warmupSteps = options.quick ? 2 : 10;
  const timedSteps = options.quick ? 3 : 50;
  const training: Record<string, unknown> = {};
  for (const batchSize of [64, 256]) {
    const runs: number[] = [];
    for (let repeat = 0; repeat < repeats; repeat += 1) runs.push(timeReferenceSteps(batchSize, warmupSteps, timedSteps, repeat + 1));
    const imagesPerS = median(runs);
    const reference = references[batchSize];
    training[`batch${batchSize}`] = {
      imagesPerS: Math.round(imagesPerS * 10) / 10,
      runs: runs.map((value) => Math.round(value * 10) / 10),
      msPerStep: Math.round((batchSize / imagesPerS) * 1000 * 10) / 10,
      ratioToKeras: Math.round((imagesPerS / reference.keras) * 100) / 100,
      ratioToTorch: Math.round((imagesPerS / reference.torch) * 100) / 100,
      ratioToCeiling: Math.round((imagesPerS / CEILING_IMAGES_PER_S) * 100) / 100,
    };
  }
  const exportFigures = await timeExport(options.quick ? 2_000 : 60_000);
  return {
    training,
    steps: { warmupSteps, timedSteps, repeats },
    references: { source: options.referenceFile ?? 'recorded 2026-12-04', imagesPerS: references },
    export: { count: options.quick ? 2_000 : 60_000, format: 'idx', family: 'cgan', ...exportFigures },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    loadAverage: os.loadavg(),
  };
}

if (require.main === module) {
  const referenceIndex = process.argv.indexOf('--reference');
  const referenceFile = referenceIndex >= 0 ? process.argv[referenceIndex + 1] : process.env.SYNGAN_BENCH_REFERENCE;
  benchTrain({ quick: process.argv.includes('--quick'), referenceFile }).then((figures) => {
    console.log(JSON.stringify(figures, null, 2));
  }, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
