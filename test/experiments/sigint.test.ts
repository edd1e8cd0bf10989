import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { loadRun, train } from '../../src/experiments';
import { readCheckpoint } from '../../src/training';
import { tempRunsDir, tinyConfig } from './helpers';

test('SIGINT writes a checkpoint and exits cleanly', async () => {
  const runsDir = tempRunsDir('sigint');
  const child = spawn(process.execPath, [path.join(__dirname, 'sigint-child.js')], {
    env: { ...process.env, SYNGAN_SIGINT_CHILD_RUNS_DIR: runsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // The first progress event comes after 0.5 s of training, so some steps are done by now.
    if (!signalled && /progress \d+/.test(stdout)) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  assert.equal(exitCode, 0, `child stderr:\n${stderr}`);
  assert.match(stderr, /interrupted at step \d+ of 100000; checkpoint .*Run the same configuration again to resume/);

  const line = stdout.split('\n').find((text) => text.startsWith('record '));
  assert.ok(line, `no record line in:\n${stdout}`);
  const printed = JSON.parse(line.slice('record '.length)) as { status: string; steps: number; dir: string };
  assert.equal(printed.status, 'interrupted');
  assert.ok(printed.steps > 0, 'no step finished before SIGINT');
  assert.ok(printed.steps < 100_000, 'the run finished before SIGINT');

  const record = loadRun(printed.dir);
  assert.equal(record.status, 'interrupted');
  assert.equal(record.steps, printed.steps);
  const checkpoint = readCheckpoint(path.join(printed.dir, record.files.checkpoint!));
  assert.equal(checkpoint.index.step, printed.steps);
  assert.equal((checkpoint.index.extra.history as unknown[]).length, printed.steps);

  // Training the same config again resumes from that step.
  const lines: string[] = [];
  const resumed = await train(tinyConfig({ name: 'sigint', steps: 100_000, checkpointEverySteps: 100_000 }),
    { runsDir, stopAfterSteps: 2, log: (text) => lines.push(text) });
  assert.equal(resumed.steps, printed.steps + 2);
  assert.ok(lines.some((text) => text.includes(`resuming from`) && text.includes(`step ${printed.steps} of 100000`)), lines.join('\n'));
  assert.ok(fs.existsSync(path.join(resumed.dir, 'history.csv')));
});
