import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { BackendInfo, loadBackend, parseBackendRequest } from '../core/backend';
import { formatError, SynganError } from '../core/errors';
import { defaultDataCacheDir, defaultRunsDir, findChromium, packageVersion } from '../core/environment';
import { projectRoot } from '../core/files';

/** One line of the doctor's table. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  value: string;
  /** Next step for the user when the check failed. */
  hint?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  backend?: BackendInfo;
  /** True when training can run: a native backend, or pure JS explicitly allowed. */
  trainingReady: boolean;
}

function jupyterVersion(): string | undefined {
  const candidates = [path.join(projectRoot(), '.venv', 'bin', 'jupyter'), 'jupyter'];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['lab', '--version'], { encoding: 'utf8', timeout: 20_000 });
    if (!probe.error && probe.status === 0) return `JupyterLab ${probe.stdout.trim()} (${candidate})`;
  }
  return undefined;
}

/**
 * Inspects this machine: the TensorFlow.js backend that loads, TensorFlow version, threads,
 * Chromium, the tslab kernel, JupyterLab and the cache folders.
 */
export function runDoctor(options: { backend?: string; allowJs?: boolean } = {}): DoctorReport {
  const checks: DoctorCheck[] = [];
  let backend: BackendInfo | undefined;
  try {
    backend = loadBackend(parseBackendRequest(options.backend ?? process.env.SYNGAN_BACKEND));
    const native = backend.kind !== 'js';
    checks.push({
      name: 'backend',
      ok: native || Boolean(options.allowJs),
      value: `${backend.kind} (${backend.packageName}, tf.getBackend() = ${backend.tfBackendName}; ${backend.reason})`,
      hint: native ? undefined : 'pure JS is far too slow to train on: run `npm run setup`, or pass --allow-js to accept it',
    });
    checks.push({ name: 'TensorFlow', ok: true, value: backend.tensorflowVersion ?? 'none (pure JS)' });
    checks.push({ name: 'TensorFlow.js', ok: true, value: backend.tfjsVersion });
    checks.push({ name: 'threads', ok: true, value: `${backend.intraOpThreads} intra-op, ${backend.interOpThreads} inter-op` });
  } catch (error) {
    const hint = error instanceof SynganError && error.hint ? error.hint : 'run `npm run setup`';
    checks.push({ name: 'backend', ok: false, value: formatError(error).split('\n')[0], hint });
  }

  const chromium = findChromium();
  checks.push({
    name: 'Chromium (PDF)',
    ok: chromium !== undefined,
    value: chromium ?? 'not found',
    hint: chromium ? undefined : 'run `npm run setup` as root, or `apt-get install chromium`, or set SYNGAN_CHROMIUM',
  });

  const tslabVersion = packageVersion('tslab');
  const tslabBin = path.join(projectRoot(), 'node_modules', 'tslab', 'bin', 'tslab');
  checks.push({
    name: 'tslab kernel',
    ok: tslabVersion !== undefined && fs.existsSync(tslabBin),
    value: tslabVersion ? `tslab ${tslabVersion} (${tslabBin})` : 'not installed',
    hint: tslabVersion ? undefined : 'run `npm run setup`',
  });

  const jupyter = jupyterVersion();
  // JupyterLab is optional: only `npm run lab` needs it, and it installs it itself.
  checks.push({ name: 'JupyterLab (optional)', ok: true, value: jupyter ?? 'not installed (`npm run lab` installs it into .venv)' });

  checks.push({ name: 'data cache', ok: true, value: defaultDataCacheDir() });
  checks.push({ name: 'runs', ok: true, value: defaultRunsDir() });

  const trainingReady = backend !== undefined && (backend.kind !== 'js' || Boolean(options.allowJs));
  return { checks, backend, trainingReady };
}

/** Formats the doctor's report as an aligned table. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.map((check) => {
    const mark = check.ok ? 'ok  ' : 'FAIL';
    const hint = !check.ok && check.hint ? `\n${' '.repeat(width + 8)}hint: ${check.hint}` : '';
    return `${mark}  ${check.name.padEnd(width)}  ${check.value}${hint}`;
  });
  lines.push(report.trainingReady ? 'training: ready' : 'training: NOT ready (see the FAIL lines above)');
  return lines.join('\n');
}
