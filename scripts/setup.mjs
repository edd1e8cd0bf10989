#!/usr/bin/env node
// Set up everything syngan needs on this machine, idempotently:
//   1. npm dependencies (npm ci, install scripts off as .npmrc says),
//   2. the native TensorFlow binding of @tensorflow/tfjs-node: the stock download where it
//      works, otherwise an offline build against the libraries of the tensorflow-cpu wheel that
//      pip fetches, kept in a cache outside node_modules,
//   3. Debian's Chromium for PDF reports (installed with apt-get when running as root),
//   4. the TypeScript build in dist/.
// Each step checks first and does nothing when its result is already in place.
// This file uses only Node's standard library because it runs before npm dependencies exist.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TF_NODE_DIR = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-node');
const WHEEL_NAME = 'tensorflow-cpu';
const WHEEL_VERSION = '2.21.0';
// The binding's build files expect the library names of libtensorflow 2.9.1, the version
// tfjs-node 4.22.0 downloads; the offline build puts the wheel's libraries under those names.
const STOCK_LIB_VERSION = '2.9.1';
// Header folders of the wheel that the C and eager C APIs include (found with `g++ -M`).
const HEADER_DIRS = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/c/'];

const args = new Set(process.argv.slice(2));
if (args.has('--help')) {
  console.log(`usage: npm run setup [-- --skip-chromium] [-- --offline-tf]

  --skip-chromium  do not look for or install Chromium (PDF reports need it)
  --offline-tf     skip the stock libtensorflow download and build against the pip wheel

Environment: SYNGAN_CACHE_DIR sets the cache folder (default ~/.cache/syngan).`);
  process.exit(0);
}

const startedMs = Date.now();
const summary = [];

function log(message) {
  console.log(`[setup] ${message}`);
}

function fail(message) {
  console.error(`[setup] error: ${message}`);
  process.exit(1);
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (result.error) return { ok: false, status: -1, error: result.error };
  return { ok: result.status === 0, status: result.status };
}

function capture(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', ...options });
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

async function step(name, action) {
  const stepStartMs = Date.now();
  const outcome = await action();
  const elapsedS = ((Date.now() - stepStartMs) / 1000).toFixed(1);
  summary.push({ name, outcome, elapsedS });
  log(`${name}: ${outcome} (${elapsedS} s)`);
}

function cacheDir() {
  if (process.env.SYNGAN_CACHE_DIR) return path.resolve(process.env.SYNGAN_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'syngan');
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// 1. npm dependencies

const STAMP_FILE = path.join(ROOT, 'node_modules', '.syngan-setup.json');

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamp(update) {
  const stamp = { ...readStamp(), ...update };
  const tmp = `${STAMP_FILE}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(stamp, null, 2));
  fs.renameSync(tmp, STAMP_FILE);
}

async function installNpmDependencies() {
  const lockFile = path.join(ROOT, 'package-lock.json');
  if (!fs.existsSync(lockFile)) fail(`${lockFile} is missing; restore it from git before running setup.`);
  const lockHash = sha256File(lockFile);
  if (fs.existsSync(path.join(ROOT, 'node_modules')) && readStamp().lockHash === lockHash) {
    return 'already installed (package-lock.json unchanged)';
  }
  log('running npm ci (install scripts stay off; this step builds the native parts itself)');
  const result = run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: ROOT });
  if (!result.ok) fail('npm ci failed; read the npm output above, fix the cause and run `npm run setup` again.');
  writeStamp({ lockHash });
  return 'installed with npm ci';
}

// ---------------------------------------------------------------------------------------------
// 2. native TensorFlow binding

function bindingLoads() {
  const probe = "const tf=require('@tensorflow/tfjs-node');" +
    "tf.tensor([1,2]).add(1).dataSync();process.stdout.write(tf.getBackend())";
  const result = capture(process.execPath, ['-e', probe], {
    cwd: ROOT,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  return result.ok && result.stdout.trim() === 'tensorflow';
}

function npmNodedir() {
  const configured = capture('npm', ['config', 'get', 'nodedir'], { cwd: ROOT }).stdout.trim();
  if (configured && configured !== 'undefined' && fs.existsSync(path.join(configured, 'include', 'node', 'node_api.h'))) {
    return configured;
  }
  // Node's own headers, as Debian and the official tarballs lay them out next to the binary.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return undefined;
}

function bindingBuildEnv() {
  const env = { ...process.env };
  const nodedir = npmNodedir();
  // Without a nodedir, node-gyp downloads Node's headers, which fails offline.
  if (nodedir) env.npm_config_nodedir = nodedir;
  env.PATH = `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${env.PATH}`;
  return env;
}

function runStockInstall() {
  log('trying the stock tfjs-node install (downloads libtensorflow; --offline-tf skips this)');
  const result = spawnSync(process.execPath, ['scripts/install.js'], {
    cwd: TF_NODE_DIR,
    env: bindingBuildEnv(),
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  });
  if (!result.error && result.status === 0) return true;
  // Its output on failure is a stack trace from the download; one line says what happened.
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const reason = /Error: [^\n]+/.exec(output)?.[0] ?? (result.error ? result.error.message : `exit code ${result.status}`);
  log(`the stock install failed (${reason.trim()})`);
  return false;
}

function libCacheDir() {
  return path.join(cacheDir(), `libtensorflow-${WHEEL_VERSION}`);
}

function libCacheComplete(dir) {
  return ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', 'include/tensorflow/c/c_api.h']
    .every((name) => fs.existsSync(path.join(dir, name)));
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    if (capture(candidate, ['-m', 'pip', '--version']).ok) return candidate;
  }
  return undefined;
}

// Fetches the tensorflow-cpu wheel with pip and unpacks its shared libraries and C headers into
// the cache. Unpacks into a temporary folder and renames it, so an interrupted run leaves no
// half-filled cache behind.
function fillLibCache(dir) {
  const python = findPython();
  if (!python) {
    fail('neither python3 nor python with pip was found; pip is needed to fetch the ' +
      `${WHEEL_NAME} wheel for the offline TensorFlow build. Install python3-pip and run setup again.`);
  }
  const wheelDir = path.join(cacheDir(), 'wheels');
  fs.mkdirSync(wheelDir, { recursive: true });
  let wheel = fs.readdirSync(wheelDir).find((name) => name.startsWith(`tensorflow_cpu-${WHEEL_VERSION}-`) && name.endsWith('.whl'));
  if (!wheel) {
    log(`downloading ${WHEEL_NAME}==${WHEEL_VERSION} with pip into ${wheelDir} (about 270 MB)`);
    const result = run(python, ['-m', 'pip', 'download', '--no-deps', '--progress-bar', 'off',
      '-d', wheelDir, `${WHEEL_NAME}==${WHEEL_VERSION}`]);
    if (!result.ok) {
      fail(`pip could not download ${WHEEL_NAME}==${WHEEL_VERSION}. Check pip's index settings ` +
        '(`pip config list`) and run setup again.');
    }
    wheel = fs.readdirSync(wheelDir).find((name) => name.startsWith(`tensorflow_cpu-${WHEEL_VERSION}-`) && name.endsWith('.whl'));
    if (!wheel) fail(`pip reported success but no ${WHEEL_NAME} wheel is in ${wheelDir}.`);
  }

  const tmpDir = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  log(`unpacking the TensorFlow libraries and headers from ${wheel}`);
  const unpack = `
import sys, zipfile, shutil, os
wheel, out, header_dirs = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
            target = os.path.join(out, os.path.basename(name))
        elif name.startswith('tensorflow/include/') and not name.endswith('/') and \\
                any(name[len('tensorflow/include/'):].startswith(d) for d in header_dirs):
            target = os.path.join(out, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  const result = run(python, ['-c', unpack, path.join(wheelDir, wheel), tmpDir, HEADER_DIRS.join(',')]);
  if (!result.ok || !libCacheComplete(tmpDir)) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    fail(`unpacking ${wheel} failed; delete ${wheelDir} and run setup again to download it anew.`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmpDir, dir);
  // The libraries are unpacked, so the wheel is no longer needed.
  fs.rmSync(path.join(wheelDir, wheel), { force: true });
}

function linkForce(target, linkPath) {
  fs.rmSync(linkPath, { force: true, recursive: true });
  fs.symlinkSync(target, linkPath);
}

// Lays out deps/ of tfjs-node the way its build expects, pointing into the cache.
function stageDeps(libDir) {
  const depsDir = path.join(TF_NODE_DIR, 'deps');
  const depsLib = path.join(depsDir, 'lib');
  fs.mkdirSync(depsLib, { recursive: true });
  linkForce(path.join(libDir, 'include'), path.join(depsDir, 'include'));
  const cc = path.join(libDir, 'libtensorflow_cc.so.2');
  const framework = path.join(libDir, 'libtensorflow_framework.so.2');
  linkForce(cc, path.join(depsLib, `libtensorflow.so.${STOCK_LIB_VERSION}`));
  linkForce(`libtensorflow.so.${STOCK_LIB_VERSION}`, path.join(depsLib, 'libtensorflow.so.2'));
  linkForce('libtensorflow.so.2', path.join(depsLib, 'libtensorflow.so'));
  linkForce(framework, path.join(depsLib, `libtensorflow_framework.so.${STOCK_LIB_VERSION}`));
  linkForce(`libtensorflow_framework.so.${STOCK_LIB_VERSION}`, path.join(depsLib, 'libtensorflow_framework.so.2'));
  linkForce('libtensorflow_framework.so.2', path.join(depsLib, 'libtensorflow_framework.so'));
  // The linker records the library's SONAME, libtensorflow_cc.so.2, in the binding.
  linkForce(cc, path.join(depsLib, 'libtensorflow_cc.so.2'));
}

function buildOfflineBinding() {
  const dir = libCacheDir();
  if (libCacheComplete(dir)) {
    log(`using cached TensorFlow ${WHEEL_VERSION} libraries in ${dir}`);
  } else {
    fillLibCache(dir);
  }
  stageDeps(dir);
  log('building the tfjs-node binding from source against them (a minute or two)');
  const result = spawnSync(process.execPath, ['scripts/install.js'], {
    cwd: TF_NODE_DIR,
    env: bindingBuildEnv(),
    stdio: 'inherit',
  });
  return !result.error && result.status === 0;
}

async function setUpNativeBinding() {
  if (!fs.existsSync(TF_NODE_DIR)) fail('node_modules/@tensorflow/tfjs-node is missing after npm ci.');
  if (bindingLoads()) return 'native binding already loads';

  const cached = libCacheComplete(libCacheDir());
  if (!cached && !args.has('--offline-tf') && runStockInstall() && bindingLoads()) {
    writeStamp({ tensorflowSource: 'stock libtensorflow download' });
    return `built with the stock libtensorflow ${STOCK_LIB_VERSION} download`;
  }
  if (!cached) log('the stock install did not produce a working binding; building offline instead');

  if (!buildOfflineBinding() || !bindingLoads()) {
    fail('the native binding did not build or does not load. Read the build output above; ' +
      `removing ${libCacheDir()} and running setup again starts the offline build from scratch.`);
  }
  writeStamp({ tensorflowSource: `${WHEEL_NAME} ${WHEEL_VERSION} wheel (offline build)` });
  return `built offline against ${WHEEL_NAME} ${WHEEL_VERSION} (libraries cached in ${libCacheDir()})`;
}

// ---------------------------------------------------------------------------------------------
// 3. Chromium

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function findChromium() {
  const configured = process.env.SYNGAN_CHROMIUM || process.env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  return CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

function hasPdftotext() {
  return capture('pdftotext', ['-v']).ok;
}

async function setUpChromium() {
  if (args.has('--skip-chromium')) return 'skipped (--skip-chromium)';
  const found = findChromium();
  // pdftotext (poppler-utils) lets the tests read the text of the printed PDF back.
  if (found && hasPdftotext()) return `found ${found} and pdftotext`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !capture('apt-get', ['--version']).ok) {
    if (found) return `found ${found}; pdftotext missing (install poppler-utils for the PDF text checks of the tests)`;
    log('Chromium is missing: PDF reports will fail until it is installed ' +
      '(Debian: `sudo apt-get install chromium poppler-utils`), or SYNGAN_CHROMIUM names a Chrome/Chromium binary.');
    return 'not found (not root or no apt-get, so not installed)';
  }
  log('installing Debian\'s chromium and poppler-utils with apt-get (for PDF reports and their tests)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['update', '-qq'], { env }).ok) fail('apt-get update failed; see its output above.');
  if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core', 'poppler-utils'], { env }).ok) {
    fail('apt-get install chromium poppler-utils failed; see its output above.');
  }
  const installed = findChromium();
  if (!installed) fail('apt-get installed chromium, but no binary was found at ' + CHROMIUM_CANDIDATES.join(', '));
  return `installed ${installed} with apt-get`;
}

// ---------------------------------------------------------------------------------------------
// 4. TypeScript build

async function buildTypeScript() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const existed = fs.existsSync(path.join(ROOT, 'dist', '.tsbuildinfo'));
  const result = run(process.execPath, [tsc, '-p', ROOT], { cwd: ROOT });
  if (!result.ok) fail('the TypeScript build failed; see the compiler errors above.');
  return existed ? 'dist/ updated (incremental tsc)' : 'compiled src/, test/ and bench/ into dist/';
}

// ---------------------------------------------------------------------------------------------

const [nodeMajor] = process.versions.node.split('.').map(Number);
if (nodeMajor < 20) fail(`Node.js ${process.versions.node} is too old; syngan needs Node.js 20 or newer.`);

await step('npm dependencies', installNpmDependencies);
await step('native TensorFlow binding', setUpNativeBinding);
await step('Chromium', setUpChromium);
await step('TypeScript build', buildTypeScript);

const totalS = ((Date.now() - startedMs) / 1000).toFixed(1);
log(`done in ${totalS} s`);
for (const { name, outcome, elapsedS } of summary) log(`  ${name.padEnd(26)} ${elapsedS.padStart(6)} s  ${outcome}`);
