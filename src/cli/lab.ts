import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { writeJsonAtomic, projectRoot } from '../core/files';

/** Name of the kernelspec folder and the name notebooks select in their metadata. */
export const KERNEL_NAME = 'syngan-typescript';
export const KERNEL_DISPLAY_NAME = 'TypeScript (syngan)';

export interface LabPaths {
  root: string;
  venvDir: string;
  python: string;
  jupyter: string;
  kernelDir: string;
}

export function labPaths(root = projectRoot(), venvDir = process.env.SYNGAN_VENV ?? path.join(root, '.venv')): LabPaths {
  return {
    root,
    venvDir,
    python: path.join(venvDir, 'bin', 'python'),
    jupyter: path.join(venvDir, 'bin', 'jupyter'),
    kernelDir: path.join(venvDir, 'share', 'jupyter', 'kernels', KERNEL_NAME),
  };
}

function jupyterLabInstalled(paths: LabPaths): boolean {
  const probe = spawnSync(paths.jupyter, ['lab', '--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

/**
 * Creates the virtual environment with JupyterLab from pip's configured index, once. Returns
 * what it did, in words.
 */
export function ensureJupyterLab(paths: LabPaths, log: (line: string) => void = console.log): string {
  if (jupyterLabInstalled(paths)) return `JupyterLab already installed in ${paths.venvDir}`;
  const python = ['python3', 'python'].find((candidate) => !spawnSync(candidate, ['--version']).error);
  if (!python) throw new SynganError('python3 was not found', { hint: 'install Python 3 with venv and pip (Debian: apt-get install python3-venv)' });
  if (!fs.existsSync(paths.python)) {
    log(`creating the Python virtual environment ${paths.venvDir}`);
    const venv = spawnSync(python, ['-m', 'venv', paths.venvDir], { stdio: 'inherit' });
    if (venv.status !== 0) {
      throw new SynganError(`could not create the virtual environment ${paths.venvDir}`, { hint: 'install python3-venv (Debian) and run `npm run lab` again' });
    }
  }
  log('installing JupyterLab with pip from its configured index (a minute or less)');
  // One try per index: an index that is not reachable fails fast instead of retrying.
  const install = spawnSync(paths.python, ['-m', 'pip', 'install', '--retries', '0', '--progress-bar', 'off', 'jupyterlab'], { stdio: 'inherit' });
  if (install.status !== 0 || !jupyterLabInstalled(paths)) {
    throw new SynganError('pip could not install JupyterLab', { hint: 'check `pip config list` and the output above, then run `npm run lab` again' });
  }
  return `installed JupyterLab into ${paths.venvDir}`;
}

/**
 * Writes the kernelspec that starts the tslab TypeScript kernel from node_modules with syngan's
 * environment into the virtual environment (never system-wide). Jupyter starts a kernel in the
 * notebook's folder, so notebooks import the project as `../dist/src`.
 */
export function installKernelSpec(paths: LabPaths, env: Record<string, string> = {}): string {
  const tslab = path.join(paths.root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new SynganError(`tslab is not installed (${tslab} is missing)`, { hint: 'run `npm run setup`' });
  const kernelEnv: Record<string, string> = {
    SYNGAN_BACKEND: process.env.SYNGAN_BACKEND ?? 'auto',
    TF_CPP_MIN_LOG_LEVEL: '2',
    ...(process.env.SYNGAN_THREADS ? { SYNGAN_THREADS: process.env.SYNGAN_THREADS } : {}),
    ...(process.env.SYNGAN_RUNS_DIR ? { SYNGAN_RUNS_DIR: process.env.SYNGAN_RUNS_DIR } : {}),
    ...env,
  };
  const spec = {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    env: kernelEnv,
    metadata: { syngan: { root: paths.root } },
  };
  writeJsonAtomic(path.join(paths.kernelDir, 'kernel.json'), spec);
  return `kernelspec "${KERNEL_DISPLAY_NAME}" written to ${paths.kernelDir}`;
}

/** Returns a free TCP port on 127.0.0.1, chosen by the operating system. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export interface LabServer {
  url: string;
  token: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts JupyterLab on 127.0.0.1 with a random token, rooted at the project and opening
 * `notebooks/`. Resolves once the server responds, with the URL to open.
 */
export async function startJupyterLab(paths: LabPaths, options: { port?: number; token?: string; timeoutMs?: number; quiet?: boolean; exposeApp?: boolean } = {}): Promise<LabServer> {
  const port = options.port ?? await findFreePort();
  const token = options.token ?? randomBytes(24).toString('hex');
  const args = [
    'lab', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--ServerApp.root_dir=${paths.root}`, `--IdentityProvider.token=${token}`,
    '--LabApp.default_url=/lab/tree/notebooks',
    // The news feed would be fetched from the internet; syngan's machines often have none.
    '--LabApp.news_url=None',
    // The default extension manager searches PyPI; the read-only one lists installed extensions only.
    '--LabApp.extension_manager=readonly',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  // Lets a browser test reach JupyterLab's command registry as window.jupyterapp.
  if (options.exposeApp) args.push('--LabApp.expose_app_in_browser=True');
  const env = { ...process.env, JUPYTER_PLATFORM_DIRS: '1' };
  const child = spawn(paths.jupyter, args, { cwd: paths.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
    if (!options.quiet) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new SynganError(`JupyterLab exited with code ${child.exitCode} before it answered`, { hint: `its output:\n${log.slice(-2000)}` });
    }
    try {
      const response = await fetch(`${base}/api/status?token=${token}`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  if (Date.now() >= deadline) {
    child.kill('SIGTERM');
    throw new SynganError(`JupyterLab did not respond on ${base} within ${(options.timeoutMs ?? 60_000) / 1000} s`, { hint: `its output:\n${log.slice(-2000)}` });
  }

  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
  return { url: `${base}/lab/tree/notebooks?token=${token}`, token, port, process: child, stop };
}
