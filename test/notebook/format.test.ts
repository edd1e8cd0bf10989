import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import {
  findNbformatProblems, injectParameters, parseNotebook, readNotebook, recoverTslabError, serializeNotebook,
  toTypeScriptLiteral, writeNotebook,
} from '../../src/notebook';
import type { CodeCell, Notebook } from '../../src/notebook';
import { decodeMessage, encodeMessage, newMessage } from '../../src/notebook/wire';
import { makeTempDir } from '../temp-dir';

const tempDir = makeTempDir('notebook-format');
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function notebookJson(cells: unknown[]): Record<string, unknown> {
  return { nbformat: 4, nbformat_minor: 4, metadata: {}, cells };
}

test('read joins lines and adds cell ids', () => {
  const file = path.join(tempDir, 'old.ipynb');
  fs.writeFileSync(
    file,
    JSON.stringify(
      notebookJson([
        { cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'text'] },
        { cell_type: 'code', metadata: {}, source: 'let a = 1;', execution_count: 3, outputs: [{ output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] }] },
        { cell_type: 'code', id: 'same', metadata: {}, source: [], execution_count: null, outputs: [] },
        { cell_type: 'raw', id: 'same', metadata: {}, source: 'raw' },
      ]),
    ),
  );

  const nb = readNotebook(file);
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(nb.cells[0].source, '# Title\ntext');
  assert.deepEqual((nb.cells[1] as CodeCell).outputs, [{ output_type: 'stream', name: 'stdout', text: 'a\nb\n' }]);
  assert.equal((nb.cells[1] as CodeCell).execution_count, 3);
  assert.equal(nb.cells[2].id, 'same');
  assert.notEqual(nb.cells[3].id, 'same', 'a duplicate id is replaced');
  const ids = nb.cells.map((cell) => cell.id);
  assert.equal(new Set(ids).size, 4);
  for (const id of ids) assert.match(id, /^[a-zA-Z0-9-_]{1,64}$/);
});

test('write round-trips and splits lines', () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      {
        id: 'c1',
        cell_type: 'code',
        metadata: { tags: ['parameters'] },
        source: 'let a = 1;\nlet b = 2;',
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'x\ny\n' },
          { output_type: 'display_data', data: { 'text/html': '<b>\n</b>', 'application/json': { k: ['v'] }, 'image/png': 'AAAA' }, metadata: {} },
          { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '42' }, metadata: {} },
          { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom'] },
        ],
      },
      { id: 'c2', cell_type: 'markdown', metadata: {}, source: '' },
    ],
  };
  const file = path.join(tempDir, 'round-trip.ipynb');
  writeNotebook(file, nb);

  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(json.cells[0].source, ['let a = 1;\n', 'let b = 2;']);
  assert.deepEqual(json.cells[0].outputs[0].text, ['x\n', 'y\n']);
  assert.deepEqual(json.cells[0].outputs[1].data['text/html'], ['<b>\n', '</b>']);
  assert.deepEqual(json.cells[0].outputs[1].data['application/json'], { k: ['v'] });
  assert.equal(json.cells[0].outputs[1].data['image/png'], 'AAAA');
  assert.deepEqual(json.cells[1].source, []);
  assert.deepEqual(findNbformatProblems(json), []);
  assert.deepEqual(readNotebook(file), nb);
  assert.deepEqual(fs.readdirSync(tempDir).filter((name) => name.includes('.tmp-')), [], 'no temporary file is left');
});

test('nbformat check finds missing fields', () => {
  const problems = findNbformatProblems({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'tslab' } },
    cells: [
      { cell_type: 'code', metadata: {}, source: '', outputs: [{ output_type: 'stream', name: 'stdout' }] },
      { cell_type: 'markdown', id: 'a b', metadata: {}, source: '', outputs: [] },
      { cell_type: 'code', id: 'x', metadata: {}, source: '', execution_count: 1.5, outputs: [{ output_type: 'display_data', data: {}, metadata: {}, transient: {} }] },
    ],
  });
  assert.deepEqual(problems, [
    'nbformat_minor is 4, expected 5 or more',
    'metadata.kernelspec needs string "name" and "display_name"',
    'cells[0].id is missing or not 1-64 characters of [a-zA-Z0-9-_]',
    'cells[0].execution_count is not an integer or null',
    'cells[0].outputs[0] is missing "text"',
    'cells[0].outputs[0].text is not a string or list of strings',
    'cells[1].id is missing or not 1-64 characters of [a-zA-Z0-9-_]',
    'cells[1] has a property "outputs" that nbformat does not allow',
    'cells[2].execution_count is not an integer or null',
    'cells[2].outputs[0] has a property "transient" that nbformat does not allow',
  ]);
});

test('invalid notebook files are rejected', () => {
  const notJson = path.join(tempDir, 'broken.ipynb');
  fs.writeFileSync(notJson, '{"cells": [');
  assert.throws(() => readNotebook(notJson), (error: unknown) => error instanceof SynganError && error.message.includes(notJson) && /not valid JSON/.test(error.message));
  assert.throws(() => readNotebook(path.join(tempDir, 'missing.ipynb')), (error: unknown) => error instanceof SynganError && /Cannot read notebook/.test(error.message));
  assert.throws(() => parseNotebook({ nbformat: 3, cells: [] }, 'v3.ipynb'), /v3\.ipynb is nbformat 3, expected 4/);
  assert.throws(() => parseNotebook(notebookJson([{ cell_type: 'widget', source: '' }]), 'w.ipynb'), /cell 0 has unknown cell_type "widget"/);
});

test('parameters go after the parameters cell', () => {
  const nb = parseNotebook(
    notebookJson([
      { cell_type: 'markdown', metadata: {}, source: 'intro' },
      { cell_type: 'code', metadata: { tags: ['parameters'] }, source: "let profile: 'quick' | 'full' = 'quick';\nconst seed = 1;\nexport var epochs = 2;", execution_count: null, outputs: [] },
      { cell_type: 'code', metadata: { tags: ['injected-parameters'] }, source: 'profile = "old";', execution_count: 1, outputs: [] },
      { cell_type: 'code', metadata: {}, source: 'profile', execution_count: null, outputs: [] },
    ]),
  );
  const injected = injectParameters(nb, { profile: 'full', seed: 7, epochs: 3, extra: { rates: [0.5, Infinity] } });

  assert.equal(injected.cells.length, 4, 'the earlier injected cell is replaced');
  const cell = injected.cells[2] as CodeCell;
  assert.deepEqual(cell.metadata.tags, ['injected-parameters']);
  assert.equal(
    cell.source,
    [
      '// Parameters injected by syngan; they override the defaults in the `parameters` cell.',
      'profile = "full";',
      'let seed = 7;',
      'epochs = 3;',
      'let extra = { "rates": [0.5, Infinity] };',
      ';',
    ].join('\n'),
  );
  assert.equal(injected.cells[3].source, 'profile');
  assert.equal(nb.cells.length, 4, 'the input notebook is not changed');
});

test('parameters without a parameters cell go first', () => {
  const nb = parseNotebook(notebookJson([{ cell_type: 'code', metadata: {}, source: 'x', execution_count: null, outputs: [] }]));
  const injected = injectParameters(nb, { x: 'a' });
  assert.equal(injected.cells[0].source.split('\n')[1], 'let x = "a";');
  assert.equal(injected.cells[1].source, 'x');
  assert.deepEqual(injectParameters(nb, {}), nb);
});

test('parameter values become TypeScript literals', () => {
  assert.equal(toTypeScriptLiteral('say "hi"\n', 'p'), '"say \\"hi\\"\\n"');
  assert.equal(toTypeScriptLiteral(-1.5e-7, 'p'), '-1.5e-7');
  assert.equal(toTypeScriptLiteral(NaN, 'p'), 'NaN');
  assert.equal(toTypeScriptLiteral(-Infinity, 'p'), '-Infinity');
  assert.equal(toTypeScriptLiteral(null, 'p'), 'null');
  assert.equal(toTypeScriptLiteral(undefined, 'p'), 'undefined');
  assert.equal(toTypeScriptLiteral([true, { 'a-b': [] }], 'p'), '[true, { "a-b": [] }]');
  assert.throws(() => toTypeScriptLiteral(new Date(0), 'when'), /Parameter when has a value of type Date/);
  assert.throws(() => toTypeScriptLiteral({ f: () => 1 }, 'p'), /Parameter p\.f has a value of type function/);
  const nb = parseNotebook(notebookJson([]));
  assert.throws(() => injectParameters(nb, { 'not-a-name': 1 }), /Parameter name "not-a-name" is not a valid identifier/);
});

test('tslab type errors are recovered', () => {
  const error = recoverTslabError([
    'log line\n',
    "1:7 - Type 'string' is not assignable to type 'number'.\n",
    "2:1 - Cannot find name 'y'.\n",
  ]);
  assert.equal(error.ename, 'TSError');
  assert.equal(error.evalue, "1:7 - Type 'string' is not assignable to type 'number'.");
  assert.deepEqual(error.traceback, ["1:7 - Type 'string' is not assignable to type 'number'.", "2:1 - Cannot find name 'y'."]);
  assert.equal(error.text, "1:7 - Type 'string' is not assignable to type 'number'.\n2:1 - Cannot find name 'y'.\n");
});

test('tslab thrown errors are recovered', () => {
  const printed = 'evalmachine.<anonymous>:3\nthrow new RangeError("bad rate");\n^\n\nRangeError: bad rate\n    at evalmachine.<anonymous>:3:7\n';
  const error = recoverTslabError(['warning\n', printed]);
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'bad rate');
  assert.equal(error.traceback[4], 'RangeError: bad rate');
  assert.equal(error.text, printed);

  const coded = recoverTslabError(["TypeError [ERR_INVALID_ARG_TYPE]: The \"path\" argument must be of type string\n    at x\n"]);
  assert.equal(coded.ename, 'TypeError');
  assert.equal(coded.evalue, 'The "path" argument must be of type string');

  const thrownString = recoverTslabError(['learning rate too high\n']);
  assert.equal(thrownString.ename, 'Error');
  assert.equal(thrownString.evalue, 'learning rate too high');

  const silent = recoverTslabError([]);
  assert.equal(silent.evalue, 'The cell failed without printing an error');
});

test('wire messages are signed and checked', () => {
  const key = 'secret-key';
  const message = newMessage('execute_request', { code: '1 + 1' }, 'session-1');
  const frames = encodeMessage(message, key).map((part) => Buffer.from(part));
  const decoded = decodeMessage([Buffer.from('routing-id'), ...frames], key);
  assert.deepEqual(decoded, message);

  assert.throws(() => decodeMessage(frames, 'other-key'), /invalid HMAC signature/);
  const tampered = [...frames];
  tampered[5] = Buffer.from(JSON.stringify({ code: 'process.exit()' }));
  assert.throws(() => decodeMessage(tampered, key), /invalid HMAC signature/);
  assert.throws(() => decodeMessage(frames.slice(1), key), /without "<IDS\|MSG>" delimiter/);
});

test('serialized notebook ends with a newline', () => {
  const text = serializeNotebook(parseNotebook(notebookJson([])));
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });
});
