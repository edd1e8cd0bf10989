// Times dataset loads: MNIST and Fashion-MNIST train splits with an empty cache ("cold") and
// with the cache filled ("cached"), median of 3 each. Usage: node dist/bench/data.js
// "Cold" means that syngan's cache folder is empty. The operating system's file cache stays
// warm after the first read, so the first cold run after a reboot can be slower than the median.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadDataset } from '../src/data';

const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeMs(fn: () => unknown): number {
  const startNs = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

/** Measures the median load time of `name`'s train split with an empty cache, then with a filled one. */
function benchLoad(name: 'mnist' | 'fashion-mnist', work: string): { coldMs: number; cachedMs: number } {
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const cacheDir = path.join(work, `${name}-${i}`);
    cold.push(timeMs(() => loadDataset(name, 'train', { cacheDir })));
    cached.push(timeMs(() => loadDataset(name, 'train', { cacheDir })));
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return { coldMs: median(cold), cachedMs: median(cached) };
}

/**
 * Runs the dataset benchmarks and returns medians in milliseconds: `mnistTrainColdMs`,
 * `mnistTrainCachedMs`, `fashionTrainColdMs`, `fashionTrainCachedMs`.
 */
export async function benchData(): Promise<Record<string, number>> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-data-'));
  try {
    const mnist = benchLoad('mnist', work);
    const fashion = benchLoad('fashion-mnist', work);
    return {
      mnistTrainColdMs: mnist.coldMs,
      mnistTrainCachedMs: mnist.cachedMs,
      fashionTrainColdMs: fashion.coldMs,
      fashionTrainCachedMs: fashion.cachedMs,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchData().then((figures) => console.log(JSON.stringify(figures, null, 2))).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
