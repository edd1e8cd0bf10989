import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { projectRoot } from './files';

/** Chromium and Chrome binaries looked for, in order, when SYNGAN_CHROMIUM is not set. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Path of the Chromium binary used for PDFs: SYNGAN_CHROMIUM (or PUPPETEER_EXECUTABLE_PATH) when
 * set, else the first existing candidate; undefined when none is found.
 */
export function findChromium(): string | undefined {
  const configured = process.env.SYNGAN_CHROMIUM || process.env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  return CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

/** Folder of run directories: SYNGAN_RUNS_DIR, or `runs/` in the project root. */
export function defaultRunsDir(): string {
  return process.env.SYNGAN_RUNS_DIR ? path.resolve(process.env.SYNGAN_RUNS_DIR) : path.join(projectRoot(), 'runs');
}

/** Folder of the dataset cache: SYNGAN_DATA_CACHE, or `data/cache/` in the project root. */
export function defaultDataCacheDir(): string {
  return process.env.SYNGAN_DATA_CACHE ? path.resolve(process.env.SYNGAN_DATA_CACHE) : path.join(projectRoot(), 'data', 'cache');
}

/** Version of an installed npm package, or undefined. */
export function packageVersion(name: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // A package whose "exports" field does not list package.json (ml-matrix 6) blocks that
    // path, so look for package.json in the folders above its resolved entry point.
  }
  try {
    let dir = path.dirname(require.resolve(name));
    while (dir !== path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name) return manifest.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The git commit of the project checkout, with "-dirty" when it has uncommitted changes. */
export function gitCommit(cwd = projectRoot()): string | undefined {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.error || head.status !== 0) return undefined;
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' });
  const dirty = !status.error && status.status === 0 && status.stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '-dirty' : ''}`;
}

/** Description of the machine and software a run used, recorded with runs and reports. */
export interface EnvironmentManifest {
  synganVersion: string;
  nodeVersion: string;
  platform: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryGiB: number;
  gitCommit?: string;
}

export function environmentManifest(): EnvironmentManifest {
  const cpus = os.cpus();
  return {
    synganVersion: synganVersion(),
    nodeVersion: process.versions.node,
    platform: `${os.platform()}-${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    gitCommit: gitCommit(),
  };
}

/** Version of syngan from its package.json. */
export function synganVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
