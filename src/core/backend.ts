import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

import type * as tfjs from '@tensorflow/tfjs';

import { SynganError } from './errors';

/** The TensorFlow.js namespace, whichever backend package provided it. */
export type TF = typeof tfjs;

/**
 * Which TensorFlow.js backend runs the numbers:
 * - `gpu`: `@tensorflow/tfjs-node-gpu`, native libtensorflow with CUDA;
 * - `cpu`: `@tensorflow/tfjs-node`, native libtensorflow on the CPU;
 * - `js`: the pure-JavaScript CPU backend of `@tensorflow/tfjs` (hundreds of times slower; only
 *   when requested explicitly, never as a silent fallback).
 */
export type BackendKind = 'gpu' | 'cpu' | 'js';

/** A request for a backend: one kind, or `auto` (GPU when usable, else the native CPU backend). */
export type BackendRequest = BackendKind | 'auto';

export interface BackendInfo {
  kind: BackendKind;
  /** npm package that provided TensorFlow.js. */
  packageName: string;
  /** TensorFlow.js backend name as `tf.getBackend()` reports it (`tensorflow` or `cpu`). */
  tfBackendName: string;
  tfjsVersion: string;
  /** Version of the native TensorFlow library, or null for the pure-JS backend. */
  tensorflowVersion: string | null;
  /** Intra-op threads of the native library (TF_NUM_INTRAOP_THREADS), or 1 for pure JS. */
  intraOpThreads: number;
  /** Inter-op threads of the native library (TF_NUM_INTEROP_THREADS), or 1 for pure JS. */
  interOpThreads: number;
  /** Reason the backend was chosen, in words, for logs and the doctor command. */
  reason: string;
}

const PACKAGES: Record<BackendKind, string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  cpu: '@tensorflow/tfjs-node',
  js: '@tensorflow/tfjs',
};

let loaded: { tf: TF; info: BackendInfo } | undefined;

/** True when `name` can be resolved from this project. */
export function isPackageInstalled(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** True when an NVIDIA GPU is visible to this process (a device node or `nvidia-smi -L`). */
export function isCudaGpuVisible(): boolean {
  if (process.env.CUDA_VISIBLE_DEVICES === '' || process.env.CUDA_VISIBLE_DEVICES === '-1') return false;
  if (fs.existsSync('/dev/nvidia0')) return true;
  const probe = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 });
  return !probe.error && probe.status === 0 && /GPU \d+/.test(probe.stdout ?? '');
}

/** Parses SYNGAN_BACKEND (or a `--backend` flag value); throws on an unknown value. */
export function parseBackendRequest(value: string | undefined): BackendRequest {
  const request = (value ?? 'auto').trim().toLowerCase() || 'auto';
  if (request === 'auto' || request === 'gpu' || request === 'cpu' || request === 'js') return request;
  throw new SynganError(`invalid backend "${value}"`, { hint: 'use one of auto, gpu, cpu, js (SYNGAN_BACKEND or --backend)' });
}

function positiveIntFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new SynganError(`invalid ${name}="${raw}"`, { hint: `${name} must be a positive integer` });
  }
  return value;
}

/**
 * Sets the native library's thread counts before it loads: intra-op threads from SYNGAN_THREADS
 * (default: the number of CPUs), inter-op threads 1 unless TF_NUM_INTEROP_THREADS is set. The
 * same thread counts are part of what makes two runs give identical numbers.
 */
function configureNativeThreads(): { intra: number; inter: number } {
  const requested = positiveIntFromEnv('SYNGAN_THREADS');
  const intra = requested ?? positiveIntFromEnv('TF_NUM_INTRAOP_THREADS') ?? os.availableParallelism();
  const inter = positiveIntFromEnv('TF_NUM_INTEROP_THREADS') ?? 1;
  process.env.TF_NUM_INTRAOP_THREADS = String(intra);
  process.env.TF_NUM_INTEROP_THREADS = String(inter);
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  return { intra, inter };
}

function requireNative(kind: 'gpu' | 'cpu'): TF {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(PACKAGES[kind]) as TF;
  } catch (error) {
    const hint = kind === 'cpu'
      ? 'run `npm run setup` to build the native binding; to run tiny jobs on the slow pure-JS backend on purpose, set SYNGAN_BACKEND=js'
      : 'install @tensorflow/tfjs-node-gpu with its CUDA libraries (see the README), or set SYNGAN_BACKEND=cpu';
    throw new SynganError(`the native TensorFlow backend (${PACKAGES[kind]}) failed to load: ${(error as Error).message.split('\n')[0]}`,
      { hint, cause: error });
  }
}

/**
 * Loads TensorFlow.js with the requested backend, once per process; later calls return the same
 * backend and throw if a different kind is requested. `auto` picks the GPU package when it is
 * installed and a CUDA GPU is visible, otherwise the native CPU package. It never falls back to
 * the pure-JS backend: that happens only for the request `js`.
 */
export function loadBackend(request: BackendRequest = parseBackendRequest(process.env.SYNGAN_BACKEND)): BackendInfo {
  if (loaded) {
    if (request !== 'auto' && request !== loaded.info.kind) {
      throw new SynganError(`backend "${request}" requested, but "${loaded.info.kind}" is already loaded in this process`,
        { hint: 'choose the backend before any TensorFlow.js code runs (SYNGAN_BACKEND, or --backend before the command)' });
    }
    return loaded.info;
  }

  let kind: BackendKind;
  let reason: string;
  if (request === 'auto') {
    const gpuInstalled = isPackageInstalled(PACKAGES.gpu);
    if (gpuInstalled && isCudaGpuVisible()) {
      kind = 'gpu';
      reason = 'auto: @tensorflow/tfjs-node-gpu is installed and a CUDA GPU is visible';
    } else {
      kind = 'cpu';
      reason = gpuInstalled ? 'auto: @tensorflow/tfjs-node-gpu is installed but no CUDA GPU is visible' : 'auto: native CPU backend';
    }
  } else {
    kind = request;
    reason = `requested (${request})`;
  }

  let tf: TF;
  let threads = { intra: 1, inter: 1 };
  let tensorflowVersion: string | null = null;
  if (kind === 'js') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require(PACKAGES.js) as TF;
    tf.setBackend('cpu');
  } else {
    threads = configureNativeThreads();
    tf = requireNative(kind);
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    tensorflowVersion = binding?.TF_Version ?? null;
  }

  const info: BackendInfo = {
    kind,
    packageName: PACKAGES[kind],
    tfBackendName: tf.getBackend(),
    tfjsVersion: tf.version.tfjs ?? tf.version['tfjs-core'],
    tensorflowVersion,
    intraOpThreads: threads.intra,
    interOpThreads: threads.inter,
    reason,
  };
  loaded = { tf, info };
  return info;
}

/** Returns the loaded TensorFlow.js namespace, loading the default backend on first use. */
export function getTf(): TF {
  if (!loaded) loadBackend();
  return loaded!.tf;
}

/** Information on the loaded backend, loading the default backend on first use. */
export function backendInfo(): BackendInfo {
  if (!loaded) loadBackend();
  return loaded!.info;
}

/**
 * The TensorFlow.js namespace. Property access loads the backend on first use, so importing this
 * module alone loads nothing and a CLI flag can still pick the backend.
 */
export const tf: TF = new Proxy({} as TF, {
  get(_target, property) {
    return (getTf() as unknown as Record<string | symbol, unknown>)[property];
  },
});

/**
 * Throws unless training may run on the loaded backend: the pure-JS backend is refused unless
 * `allowJs` is set (SYNGAN_ALLOW_JS=1 or --allow-js), because it is far too slow to train on.
 */
export function assertTrainingBackend(allowJs = process.env.SYNGAN_ALLOW_JS === '1'): BackendInfo {
  const info = backendInfo();
  if (info.kind === 'js' && !allowJs) {
    throw new SynganError('training would run on the pure-JavaScript backend, which is hundreds of times slower than the native one',
      { hint: 'run `npm run setup` and use the native backend, or set SYNGAN_ALLOW_JS=1 to train on pure JS anyway' });
  }
  return info;
}

/** Formats one line naming the backend, for the start of every long job. */
export function describeBackend(info: BackendInfo = backendInfo()): string {
  const native = info.tensorflowVersion ? `TensorFlow ${info.tensorflowVersion}, ` : '';
  return `backend: ${info.kind} (${info.packageName}, ${native}tfjs ${info.tfjsVersion}, ` +
    `${info.intraOpThreads} intra-op / ${info.interOpThreads} inter-op threads)`;
}
