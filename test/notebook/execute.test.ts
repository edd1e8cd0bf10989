// Runs the fixture notebooks through the real tslab kernel from node_modules.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { projectRoot } from '../../src/core/files';
import { executeNotebook, findNbformatProblems, readNotebook } from '../../src/notebook';
import type { CodeCell, DisplayDataOutput, ErrorOutput, ExecuteResult, Output, StreamOutput } from '../../src/notebook';
import { makeTempDir } from '../temp-dir';

const fixtures = path.join(projectRoot(), 'test', 'fixtures', 'notebooks');
const tempDir = makeTempDir('notebook-execute');
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function fixture(name: string): string {
  return path.join(fixtures, `${name}.ipynb`);
}

function codeCells(result: ExecuteResult): CodeCell[] {
  return result.notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
}

function streamText(outputs: Output[], name: 'stdout' | 'stderr'): string {
  return outputs
    .filter((output): output is StreamOutput => output.output_type === 'stream' && output.name === name)
    .map((output) => output.text)
    .join('');
}

test('successful notebook records outputs and counts', async () => {
  const outputPath = path.join(tempDir, 'success.ipynb');
  const started: number[] = [];
  const done: string[] = [];
  const result = await executeNotebook(fixture('success'), {
    outputPath,
    onCellStart: (event) => started.push(event.index),
    onCellDone: (cell) => done.push(`${cell.index}:${cell.status}`),
  });

  assert.equal(result.ok, true);
  assert.equal(result.failedCell, undefined);
  assert.deepEqual(started, [1, 2, 3, 4]);
  assert.deepEqual(done, ['1:ok', '2:ok', '3:ok', '4:ok']);
  const cells = codeCells(result);
  assert.deepEqual(cells.map((cell) => cell.execution_count), [1, 2, 3, 4]);
  assert.deepEqual(cells[0].outputs, [{ output_type: 'stream', name: 'stdout', text: 'a is 20\n' }]);
  assert.deepEqual(cells[1].outputs, [
    { output_type: 'stream', name: 'stdout', text: 'one two\n' },
    { output_type: 'stream', name: 'stderr', text: 'warning\n' },
    // tslab prints the value of a cell's last expression on stdout, not as execute_result.
    { output_type: 'stream', name: 'stdout', text: '42\n' },
  ]);
  assert.equal(streamText(cells[2].outputs, 'stdout'), '1 notebooks\n', 'SYNGAN_HEADLESS is set and the kernel runs in the notebook folder');

  const written = JSON.parse(fs.readFileSync(outputPath, 'utf8'));
  assert.deepEqual(findNbformatProblems(written), []);
  assert.equal(written.nbformat, 4);
  assert.equal(written.nbformat_minor, 5);
  assert.equal(written.metadata.kernelspec.name, 'tslab');
  assert.equal(written.metadata.language_info.name, 'typescript');
  assert.equal(written.metadata.syngan.ok, true);
  for (const cell of written.cells.slice(1)) {
    for (const key of ['iopub.status.busy', 'iopub.execute_input', 'shell.execute_reply', 'iopub.status.idle']) {
      assert.match(cell.metadata.execution[key], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/, `${cell.id} ${key}`);
    }
  }
  assert.deepEqual(readNotebook(outputPath), result.notebook);
  const connectionFile = streamText(cells[3].outputs, 'stdout').trim();
  assert.match(connectionFile, /syngan-kernel-\w+\/connection\.json$/);
  assert.equal(fs.existsSync(path.dirname(connectionFile)), false, 'the connection file folder is removed');

  const fixtureJson = JSON.parse(fs.readFileSync(fixture('success'), 'utf8'));
  assert.deepEqual(fixtureJson.cells[1].outputs, [], 'the input notebook is not changed');
});

test('thrown error stops the notebook', async () => {
  const result = await executeNotebook(fixture('failing'));

  assert.equal(result.ok, false);
  assert.equal(result.failedCell?.index, 1);
  assert.equal(result.failedCell?.id, 'cell-1');
  assert.equal(result.failedCell?.ename, 'RangeError');
  assert.equal(result.failedCell?.evalue, 'learning rate must be positive');
  assert.ok(result.failedCell?.traceback.includes('RangeError: learning rate must be positive'));
  assert.deepEqual(result.cells.map((cell) => cell.status), ['ok', 'error', 'not-run', 'not-run']);

  const cells = codeCells(result);
  assert.deepEqual(cells[1].outputs[0], { output_type: 'stream', name: 'stdout', text: 'about to fail\n' });
  const error = cells[1].outputs[1] as ErrorOutput;
  assert.equal(error.output_type, 'error');
  assert.equal(error.ename, 'RangeError');
  assert.equal(cells[1].outputs.length, 2, 'the error text is not repeated as a stderr stream');
  assert.equal(cells[1].execution_count, 2);
  assert.deepEqual(cells[2].outputs, []);
  assert.equal(cells[2].execution_count, null);
});

test('allowErrors runs and attributes later cells', async () => {
  const result = await executeNotebook(fixture('failing'), { allowErrors: true });

  assert.equal(result.ok, false);
  assert.equal(result.failedCell?.index, 1);
  assert.deepEqual(result.cells.map((cell) => cell.status), ['ok', 'error', 'ok', 'ok']);
  const cells = codeCells(result);
  assert.equal(streamText(cells[2].outputs, 'stdout'), 'after the failure\n');
  assert.equal(streamText(cells[3].outputs, 'stdout'), 'last cell\n');
  assert.equal(streamText(cells[1].outputs, 'stdout'), 'about to fail\n');
  assert.deepEqual(cells.map((cell) => cell.execution_count), [1, 2, 3, 4]);
  // tslab replies "abort" to requests within 200 ms of a failure; the runner sends those again.
  assert.ok(result.cells[2].requests > 1, `cell 2 was sent ${result.cells[2].requests} times`);
});

test('type error fails the cell', async () => {
  const result = await executeNotebook(fixture('type-error'));

  assert.equal(result.ok, false);
  assert.equal(result.failedCell?.index, 0);
  assert.equal(result.failedCell?.ename, 'TSError');
  assert.equal(result.failedCell?.evalue, "1:7 - Type 'string' is not assignable to type 'number'.");
  assert.deepEqual(result.cells.map((cell) => cell.status), ['error', 'not-run']);
  assert.deepEqual(codeCells(result)[0].outputs, [
    {
      output_type: 'error',
      ename: 'TSError',
      evalue: "1:7 - Type 'string' is not assignable to type 'number'.",
      traceback: ["1:7 - Type 'string' is not assignable to type 'number'."],
    },
  ]);
});

test('stuck cells are interrupted or killed', async () => {
  const outputPath = path.join(tempDir, 'stuck.ipynb');
  const result = await executeNotebook(fixture('stuck'), { cellTimeoutMs: 1_500, interruptGraceMs: 2_000, allowErrors: true, outputPath });

  assert.deepEqual(result.cells.map((cell) => cell.status), ['timeout', 'ok', 'timeout', 'timeout', 'not-run']);
  assert.equal(result.failedCell?.index, 0);
  assert.equal(result.failedCell?.ename, 'CellTimeoutError');
  assert.match(result.failedCell?.evalue ?? '', /^Cell 0 \(id cell-0\) of .*stuck\.ipynb exceeded the cell time limit of 1500 ms after \d+ ms; it was interrupted$/);
  const cells = codeCells(result);
  assert.ok((cells[0].outputs[0] as ErrorOutput).traceback.includes('Error: Script execution was interrupted by `SIGINT`'));
  assert.equal(cells[0].outputs.length, 1, 'the interruption text is not repeated as a stderr stream');
  assert.equal(streamText(cells[1].outputs, 'stdout'), 'after the loop\n');
  assert.ok((cells[2].outputs[0] as ErrorOutput).traceback.includes('Error: Interrupted asynchronously'));

  const killed = cells[3].outputs.at(-1) as ErrorOutput;
  assert.equal(killed.ename, 'CellTimeoutError');
  assert.match(killed.evalue, /^Cell 3 \(id cell-3\) of .*stuck\.ipynb exceeded the cell time limit of 1500 ms after \d+ ms; it did not stop on SIGINT, so the kernel was killed$/);
  assert.deepEqual(cells[4].outputs, []);
  assert.deepEqual(findNbformatProblems(JSON.parse(fs.readFileSync(outputPath, 'utf8'))), []);
});

test('notebook timeout names the notebook limit', async () => {
  const result = await executeNotebook(fixture('timeout'), { notebookTimeoutMs: 15_000, cellTimeoutMs: 60_000, allowErrors: true });

  assert.deepEqual(result.cells.map((cell) => cell.status), ['ok', 'timeout', 'not-run'], 'the notebook limit stops even with allowErrors');
  assert.match(result.failedCell?.evalue ?? '', /exceeded the notebook time limit of 15000 ms/);
});

test('parameters override the defaults', async () => {
  const outputPath = path.join(tempDir, 'parameters.ipynb');
  const result = await executeNotebook(fixture('parameters'), { outputPath, parameters: { profile: 'full', epochs: 12, seed: 7 } });

  assert.equal(result.ok, true, JSON.stringify(result.failedCell));
  const cells = result.notebook.cells;
  assert.deepEqual(cells[1].metadata.tags, ['parameters']);
  assert.deepEqual(cells[2].metadata.tags, ['injected-parameters']);
  assert.match(cells[2].source, /^profile = "full";$/m);
  assert.equal(streamText((cells[3] as CodeCell).outputs, 'stdout'), '{"profile":"full","epochs":12,"seed":7}\n');
  assert.deepEqual((cells[2] as CodeCell).outputs, [], 'the injected cell prints nothing');
  assert.deepEqual(readNotebook(outputPath).metadata.syngan, { ...(result.notebook.metadata.syngan as object) });
  assert.deepEqual((result.notebook.metadata.syngan as { parameters: unknown }).parameters, { profile: 'full', epochs: 12, seed: 7 });
});

test('parameter of the wrong type fails', async () => {
  const result = await executeNotebook(fixture('parameters'), { parameters: { profile: 'fast' } });

  assert.equal(result.ok, false);
  assert.equal(result.failedCell?.index, 2, 'the injected cell fails');
  assert.equal(result.failedCell?.ename, 'TSError');
  assert.match(result.failedCell?.evalue ?? '', /Type '"fast"' is not assignable to type '"quick" \| "standard" \| "full"'/);
});

test('display and update_display_data', async () => {
  const result = await executeNotebook(fixture('display'));

  assert.equal(result.ok, true, JSON.stringify(result.failedCell));
  const cells = codeCells(result);
  assert.deepEqual(cells[0].outputs, [
    { output_type: 'display_data', data: { 'text/plain': 'done (updated from a later cell)' }, metadata: {} },
    { output_type: 'display_data', data: { 'text/html': '<b>table</b>' }, metadata: {} },
  ]);
  assert.deepEqual(cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: 'second cell\n' }]);
});

test('kernel exit gives a clear error', async () => {
  const result = await executeNotebook(fixture('kernel-exit'));

  assert.equal(result.ok, false);
  assert.deepEqual(result.cells.map((cell) => cell.status), ['ok', 'kernel-died', 'not-run']);
  assert.equal(result.failedCell?.ename, 'DeadKernelError');
  assert.match(result.failedCell?.evalue ?? '', /^The kernel exited \(exit code 3\) while running cell 1 \(id cell-1\) of .*kernel-exit\.ipynb$/);
  assert.equal((codeCells(result)[1].outputs[0] as ErrorOutput).ename, 'DeadKernelError');
});

test('large outputs are truncated', async () => {
  const outputPath = path.join(tempDir, 'large-output.ipynb');
  const result = await executeNotebook(fixture('large-output'), { outputPath });

  assert.equal(result.ok, true, JSON.stringify(result.failedCell));
  const [text, image] = codeCells(result);
  const stdout = streamText(text.outputs, 'stdout');
  assert.ok(stdout.startsWith('x'.repeat(1024 * 1024)));
  assert.match(stdout, /\n\[syngan: output truncated: 20\.0 MiB in total, only the first 1\.0 MiB are kept\]\n$/);
  assert.deepEqual(image.outputs, [
    { output_type: 'display_data', data: { 'text/plain': '[syngan: image/png output of 12.0 MiB removed: larger than the 10.0 MiB limit]' }, metadata: {} },
    { output_type: 'display_data', data: { 'text/plain': 'small output' }, metadata: {} },
  ]);
  assert.ok(fs.statSync(outputPath).size < 2 * 1024 * 1024, `written notebook is ${fs.statSync(outputPath).size} bytes`);
});

test('output after the reply stays with its cell', async () => {
  const result = await executeNotebook(fixture('late-output'), { limits: { maxTextBytes: 8 * 1024 * 1024 } });

  assert.equal(result.ok, true, JSON.stringify(result.failedCell));
  const [first, second] = codeCells(result);
  assert.equal(streamText(first.outputs, 'stdout'), `${'a'.repeat(4 * 1024 * 1024)}cell 0 end\n`);
  assert.deepEqual(second.outputs, [{ output_type: 'stream', name: 'stdout', text: 'cell 1\n' }]);
});

test('notebook imports compiled project code', async () => {
  const result = await executeNotebook(fixture('imports-project'));

  assert.equal(result.ok, true, JSON.stringify(result.failedCell));
  assert.equal(streamText(codeCells(result)[0].outputs, 'stdout'), 'function y\n');
});

test('kernel stops when the runner dies', async () => {
  const notebookPath = path.join(tempDir, 'runner-dies.json');
  fs.writeFileSync(
    notebookPath,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: 'pid',
          cell_type: 'code',
          metadata: {},
          source: "console.log(`kernel pid ${process.pid} config ${process.argv[process.argv.indexOf('--config-path') + 1]}`);",
          execution_count: null,
          outputs: [],
        },
        { id: 'wait', cell_type: 'code', metadata: {}, source: 'await new Promise((resolve) => setTimeout(resolve, 600_000));', execution_count: null, outputs: [] },
      ],
    }),
  );
  const script = `require(${JSON.stringify(path.join(projectRoot(), 'dist', 'src', 'notebook'))}).executeNotebook(${JSON.stringify(notebookPath)}, {
    onOutput: (event) => { if (event.output.output_type === 'stream') process.stdout.write(event.output.text); },
  });`;
  const runner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });

  let printed = '';
  const [kernelPid, connectionFile] = await new Promise<[number, string]>((resolve, reject) => {
    runner.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /kernel pid (\d+) config (\S+)/.exec(printed);
      if (match) resolve([Number(match[1]), match[2]]);
    });
    runner.on('exit', () => reject(new Error(`the runner exited first; it printed: ${printed}`)));
  });
  runner.kill('SIGKILL');

  let alive = true;
  for (let attempt = 0; attempt < 100 && alive; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(kernelPid, 0);
    } catch {
      alive = false;
    }
  }
  if (alive) process.kill(kernelPid, 'SIGKILL');
  assert.equal(alive, false, `kernel ${kernelPid} still ran 10 s after its runner was killed`);
  assert.equal(fs.existsSync(path.dirname(connectionFile)), false, 'the kernel removes the connection file folder');
});

const jupyter = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
test('nbconvert reads executed notebook', { skip: jupyter.status !== 0 ? 'jupyter nbconvert is not installed' : false }, () => {
  const file = path.join(tempDir, 'success.ipynb');
  assert.ok(fs.existsSync(file), 'the success test wrote the notebook');
  const converted = spawnSync('jupyter', ['nbconvert', '--to', 'markdown', '--stdout', file], { encoding: 'utf8' });
  assert.equal(converted.status, 0, converted.stderr);
  assert.match(converted.stdout, /a is 20/);
});

test('written notebooks pass the nbformat check', () => {
  for (const name of fs.readdirSync(tempDir).filter((file) => file.endsWith('.ipynb'))) {
    const json = JSON.parse(fs.readFileSync(path.join(tempDir, name), 'utf8'));
    assert.deepEqual(findNbformatProblems(json), [], name);
  }
});
