import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { formatCell, tableHtml, tableText } from '../../src/core/notebook-display';
import { compareResults, getProfile, movingAverage, PROFILES, readResults, recordResult, ResultRecord } from '../../src/pipeline';
import { makeTempDir } from '../temp-dir';

function record(key: string, metrics: Record<string, number | null>): ResultRecord {
  return { key, notebook: 'test', label: key, metrics, provenance: {} };
}

test('result records round trip', () => {
  const dir = makeTempDir('results');
  try {
    recordResult(record('metrics/mnist/dcgan', { fid: 3.5, recall: null }), dir);
    recordResult(record('dataset/mnist/train', { images: 60000 }), dir);
    recordResult(record('metrics/mnist/dcgan', { fid: 4.5, recall: null }), dir);
    const results = readResults(dir);
    assert.deepEqual(results.map((r) => r.key), ['dataset/mnist/train', 'metrics/mnist/dcgan']);
    assert.equal(results[1].metrics.fid, 4.5, 'a second record with the same key replaces the first');
    assert.ok(fs.existsSync(path.join(dir, 'metrics__mnist__dcgan.json')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('result metric must be a number', () => {
  const bad = { ...record('x', {}), metrics: { fid: '3.5' as unknown as number } };
  assert.throws(() => recordResult(bad, os.tmpdir()), (error: unknown) =>
    error instanceof SynganError && /metric "fid" is string/.test(error.message));
});

test('missing results folder reads empty', () => {
  assert.deepEqual(readResults(path.join(os.tmpdir(), 'syngan-no-such-folder')), []);
});

test('comparison flags differences', () => {
  const expected = [record('a', { fid: 10, recall: null, kid: 0 }), record('b', { fid: 1 })];
  const actual = [record('a', { fid: 10.000001, recall: null, kid: 0 })];
  const comparisons = compareResults(expected, actual, 1e-6);
  assert.equal(comparisons.length, 4);
  const byName = (key: string, metric: string) => comparisons.find((c) => c.key === key && c.metric === metric)!;
  assert.equal(byName('a', 'fid').ok, true);
  assert.ok(Math.abs(byName('a', 'fid').relativeDifference - 1e-7) < 1e-12);
  assert.equal(byName('a', 'recall').ok, true, 'null matches null');
  assert.equal(byName('a', 'kid').ok, true, 'zero matches zero');
  assert.equal(byName('b', 'fid').ok, false, 'a missing record fails');
  assert.equal(compareResults(expected, actual, 1e-8).find((c) => c.metric === 'fid' && c.key === 'a')!.ok, false);
});

test('profiles and unknown profile', () => {
  assert.equal(getProfile('quick'), PROFILES.quick);
  assert.ok(PROFILES.quick.ganSteps < PROFILES.standard.ganSteps);
  assert.ok(PROFILES.standard.downstreamSeeds.length >= 3);
  assert.throws(() => getProfile('huge'), /unknown profile "huge"/);
});

test('moving average skips nulls', () => {
  assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
  assert.deepEqual(movingAverage([null, 2, null, 4], 2), [null, 2, 2, 4]);
});

test('table cells and escaping', () => {
  assert.equal(formatCell(null), '–');
  assert.equal(formatCell(60000), '60000');
  assert.equal(formatCell(0.123456), '0.1235');
  assert.equal(formatCell(12.3456789), '12.35');
  assert.equal(formatCell(0.00001234), '1.234e-5');
  assert.match(tableHtml(['<b>'], [['a&b']]), /<th>&lt;b&gt;<\/th>[\s\S]*<td>a&amp;b<\/td>/);
  assert.equal(tableText(['name', 'value'], [['fid', 1.5]]), 'name  value\nfid   1.5');
});
