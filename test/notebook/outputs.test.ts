import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DisplayRegistry, OutputRecorder, applyCarriageReturns, limitBundle, truncateUtf8,
} from '../../src/notebook';
import type { DisplayDataOutput, StreamOutput } from '../../src/notebook';

const smallLimits = { maxTextBytes: 100, maxDataBytes: 300 };

test('streams of the same name merge', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('stream', { name: 'stdout', text: 'one ' });
  recorder.apply('stream', { name: 'stdout', text: 'two\n' });
  recorder.apply('stream', { name: 'stderr', text: 'warning\n' });
  recorder.apply('stream', { name: 'stdout', text: 'three\n' });
  recorder.finish();

  assert.deepEqual(recorder.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'one two\n' },
    { output_type: 'stream', name: 'stderr', text: 'warning\n' },
    { output_type: 'stream', name: 'stdout', text: 'three\n' },
  ]);
});

test('carriage returns keep the last state', () => {
  assert.equal(applyCarriageReturns('', 'step 1\rstep 2\rstep 3\n'), 'step 3\n');
  assert.equal(applyCarriageReturns('done\nstep 1', '\rstep 2'), 'done\nstep 2');
  assert.equal(applyCarriageReturns('done\nstep 1\r', 'step 2'), 'done\nstep 2');
  assert.equal(applyCarriageReturns('', 'windows line\r\nnext'), 'windows line\nnext');
  assert.equal(applyCarriageReturns('plain ', 'text\n'), 'plain text\n');

  const recorder = new OutputRecorder(new DisplayRegistry());
  for (let step = 1; step <= 50; step += 1) recorder.apply('stream', { name: 'stdout', text: `epoch ${step}/50\r` });
  recorder.finish();
  assert.deepEqual(recorder.outputs, [{ output_type: 'stream', name: 'stdout', text: 'epoch 50/50' }]);
});

test('execute_result keeps its execution count', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('execute_result', { execution_count: 7, data: { 'text/plain': '42' }, metadata: {} });
  assert.deepEqual(recorder.outputs, [
    { output_type: 'execute_result', execution_count: 7, data: { 'text/plain': '42' }, metadata: {} },
  ]);
});

test('error message becomes error output', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('error', { ename: 'ValueError', evalue: 'bad', traceback: ['line 1', 'line 2'] });
  assert.deepEqual(recorder.outputs, [{ output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['line 1', 'line 2'] }]);
});

test('clear_output empties the cell', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('stream', { name: 'stdout', text: 'old\n' });
  recorder.apply('clear_output', { wait: false });
  assert.deepEqual(recorder.outputs, []);
  recorder.apply('stream', { name: 'stdout', text: 'new\n' });
  assert.deepEqual(recorder.outputs, [{ output_type: 'stream', name: 'stdout', text: 'new\n' }]);
});

test('clear_output with wait clears on next output', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('stream', { name: 'stdout', text: 'frame 1\n' });
  recorder.apply('clear_output', { wait: true });
  assert.equal(recorder.outputs.length, 1, 'outputs stay until the next output arrives');

  recorder.apply('display_data', { data: { 'text/plain': 'frame 2' }, metadata: {} });
  assert.deepEqual(recorder.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'frame 2' }, metadata: {} }]);

  recorder.apply('clear_output', { wait: true });
  recorder.finish();
  assert.equal(recorder.outputs.length, 1, 'a pending clear with no later output leaves the outputs');
});

test('update_display_data replaces display in any cell', () => {
  const displays = new DisplayRegistry();
  const first = new OutputRecorder(displays);
  const second = new OutputRecorder(displays);
  first.apply('display_data', { data: { 'text/plain': 'epoch 1' }, metadata: {}, transient: { display_id: 'progress' } });
  first.apply('display_data', { data: { 'text/plain': 'other' }, metadata: {}, transient: { display_id: 'other' } });
  second.apply('display_data', { data: { 'text/plain': 'copy' }, metadata: {}, transient: { display_id: 'progress' } });
  second.apply('update_display_data', { data: { 'text/html': '<b>epoch 2</b>' }, metadata: { note: 1 }, transient: { display_id: 'progress' } });

  assert.deepEqual((first.outputs[0] as DisplayDataOutput).data, { 'text/html': '<b>epoch 2</b>' });
  assert.deepEqual((first.outputs[0] as DisplayDataOutput).metadata, { note: 1 });
  assert.deepEqual((first.outputs[1] as DisplayDataOutput).data, { 'text/plain': 'other' });
  assert.deepEqual((second.outputs[0] as DisplayDataOutput).data, { 'text/html': '<b>epoch 2</b>' });
  assert.equal(second.outputs.length, 1, 'an update adds no output');
  assert.equal('transient' in first.outputs[0], false, 'transient is not saved');
});

test('update_display_data skips cleared displays', () => {
  const displays = new DisplayRegistry();
  const recorder = new OutputRecorder(displays);
  recorder.apply('display_data', { data: { 'text/plain': 'a' }, metadata: {}, transient: { display_id: 'd' } });
  const cleared = recorder.outputs[0];
  recorder.apply('clear_output', { wait: false });
  recorder.apply('update_display_data', { data: { 'text/plain': 'b' }, metadata: {}, transient: { display_id: 'd' } });
  assert.deepEqual(recorder.outputs, []);
  assert.deepEqual((cleared as DisplayDataOutput).data, { 'text/plain': 'a' });
});

test('long stream is truncated with a note', () => {
  const recorder = new OutputRecorder(new DisplayRegistry(), smallLimits);
  recorder.apply('stream', { name: 'stdout', text: 'x'.repeat(60) });
  recorder.apply('stream', { name: 'stdout', text: 'y'.repeat(60) });
  recorder.apply('stream', { name: 'stdout', text: 'z'.repeat(1000) });
  recorder.finish();

  const text = (recorder.outputs[0] as StreamOutput).text;
  assert.ok(text.startsWith(`${'x'.repeat(60)}${'y'.repeat(40)}\n[syngan: output truncated`), text);
  assert.match(text, /1\.1 KiB in total, only the first 100 bytes are kept/);
  assert.equal(text.includes('z'), false);
});

test('truncation keeps whole UTF-8 characters', () => {
  assert.equal(truncateUtf8('aé', 2), 'a');
  assert.equal(truncateUtf8('aé', 3), 'aé');
  assert.equal(truncateUtf8('€€', 4), '€');
});

test('large bundle entries are limited', () => {
  const bundle = limitBundle(
    {
      'text/plain': 'p'.repeat(150),
      'text/html': '<p>'.repeat(50),
      'image/png': 'A'.repeat(800),
      'application/vnd.plotly.v1+json': { data: [{ y: Array.from({ length: 200 }, (_, i) => i) }] },
      'image/jpeg': 'A'.repeat(100),
    },
    smallLimits,
  );

  const plain = bundle['text/plain'] as string;
  assert.ok(plain.startsWith(`${'p'.repeat(100)}\n[syngan: output truncated: 150 bytes in total`), plain);
  assert.match(plain, /text\/html output of 150 bytes removed: larger than the 100 bytes limit/);
  assert.match(plain, /image\/png output of 600 bytes removed: larger than the 300 bytes limit/);
  assert.match(plain, /application\/vnd\.plotly\.v1\+json output of .* removed/);
  assert.equal('text/html' in bundle, false);
  assert.equal('image/png' in bundle, false);
  assert.equal('application/vnd.plotly.v1+json' in bundle, false);
  assert.equal(bundle['image/jpeg'], 'A'.repeat(100));
});

test('trailing stderr moves into the error', () => {
  const recorder = new OutputRecorder(new DisplayRegistry());
  recorder.apply('stream', { name: 'stderr', text: 'warning\n' });
  recorder.apply('stream', { name: 'stderr', text: 'Error: boom\n    at x\n' });
  assert.equal(recorder.removeTrailingStderr('Error: boom\n    at x\n'), true);
  assert.deepEqual(recorder.outputs, [{ output_type: 'stream', name: 'stderr', text: 'warning\n' }]);

  assert.equal(recorder.removeTrailingStderr('not there\n'), false);
  assert.equal(recorder.removeTrailingStderr('warning\n'), true);
  assert.deepEqual(recorder.outputs, []);
});
