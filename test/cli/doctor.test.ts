import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { projectRoot } from '../../src/core/files';

const cli = path.join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

function doctor(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, 'doctor', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('doctor reports native backend', () => {
  const result = doctor(['--json'], { SYNGAN_BACKEND: 'auto', SYNGAN_THREADS: '2' });
  const report = JSON.parse(result.stdout);
  assert.equal(report.backend.kind, 'cpu');
  assert.equal(report.backend.intraOpThreads, 2);
  assert.equal(report.trainingReady, true);
  assert.ok(report.checks.some((check: { name: string }) => check.name === 'tslab kernel'));
});

test('doctor fails on pure JS backend', () => {
  const result = doctor([], { SYNGAN_BACKEND: 'js' });
  assert.equal(result.status, 1);
  assert.match(result.stdout, /FAIL\s+backend\s+js/);
  assert.match(result.stdout, /training: NOT ready/);
});

test('doctor accepts pure JS with --allow-js', () => {
  const result = doctor(['--allow-js', '--json'], { SYNGAN_BACKEND: 'js' });
  const report = JSON.parse(result.stdout);
  assert.equal(report.backend.kind, 'js');
  assert.equal(report.trainingReady, true);
});

test('invalid backend flag exits non-zero', () => {
  const result = spawnSync(process.execPath, [cli, '--backend', 'cuda', 'doctor'], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /invalid backend "cuda"/);
});
