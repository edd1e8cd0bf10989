// Runs syngan's benchmarks and writes their figures as JSON to bench/results/ (not committed).
// Usage: npm run bench [-- --only data,train,metrics,setup]
// Run it on a quiet machine: with 2 cores, any other busy process distorts the medians.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { backendInfo, describeBackend } from '../src/core/backend';
import { environmentManifest } from '../src/core/environment';
import { projectRoot, writeJsonAtomic } from '../src/core/files';

type BenchFunction = () => Promise<unknown>;

/** The benchmark modules, loaded lazily so one that fails to load does not stop the others. */
const BENCHES: Record<string, () => BenchFunction> = {
  setup: () => benchSetup,
  data: () => require('./data').benchData as BenchFunction,
  // SYNGAN_BENCH_REFERENCE: the reference runner's results_raw.jsonl from the same session.
  train: () => () => require('./train').benchTrain({ referenceFile: process.env.SYNGAN_BENCH_REFERENCE }),
  metrics: () => require('./metrics').benchMetrics as BenchFunction,
  report: () => require('./report').benchReport as BenchFunction,
  notebook: () => require('./notebook').benchNotebook as BenchFunction,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Times `npm run setup` cold (a fresh clone and an empty library cache, so npm ci, the wheel
 * download and the binding build all run) once, and warm (everything in place) three times.
 */
async function benchSetup(): Promise<Record<string, number>> {
  const root = projectRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-setup-'));
  const clone = path.join(work, 'clone');
  try {
    const cloned = spawnSync('git', ['clone', '-q', root, clone], { stdio: 'inherit' });
    if (cloned.status !== 0) throw new Error('git clone of the project failed');
    const env = { ...process.env, SYNGAN_CACHE_DIR: path.join(work, 'cache') };
    const timeSetup = () => {
      const startMs = Date.now();
      const result = spawnSync('npm', ['run', 'setup', '--', '--skip-chromium'], { cwd: clone, env, stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`npm run setup failed in ${clone}`);
      return Date.now() - startMs;
    };
    const coldMs = timeSetup();
    const warmMs = [timeSetup(), timeSetup(), timeSetup()];
    return { setupColdMs: coldMs, setupWarmMedianMs: median(warmMs) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const onlyIndex = process.argv.indexOf('--only');
  const selected = onlyIndex >= 0 ? process.argv[onlyIndex + 1].split(',') : Object.keys(BENCHES);
  const unknown = selected.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }

  console.log(describeBackend());
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    environment: environmentManifest(),
    backend: backendInfo(),
    loadAverage: os.loadavg(),
  };
  let failed = false;
  for (const name of selected) {
    console.log(`\n== ${name} ==`);
    try {
      const figures = await BENCHES[name]()();
      results[name] = figures;
      console.log(JSON.stringify(figures, null, 2));
    } catch (error) {
      failed = true;
      results[name] = { error: (error as Error).message };
      console.error(`${name} failed: ${(error as Error).stack ?? error}`);
    }
  }
  const outFile = path.join(projectRoot(), 'bench', 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeJsonAtomic(outFile, results);
  console.log(`\nwrote ${outFile}`);
  if (failed) process.exitCode = 1;
}

void main();
