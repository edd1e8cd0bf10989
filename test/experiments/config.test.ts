import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { FAMILY_DEFAULTS, canonicalJson, configHash, resolveConfig, train } from '../../src/experiments';
import { tempRunsDir, tinyConfig } from './helpers';

function assertConfigError(input: unknown, message: RegExp, hint: RegExp): void {
  assert.throws(() => resolveConfig(input), (error: unknown) => {
    assert.ok(error instanceof SynganError, `not a SynganError: ${String(error)}`);
    assert.match(error.message, message);
    assert.match(error.hint ?? '', hint);
    return true;
  });
}

test('config errors name the field', () => {
  assertConfigError({ name: 'a', family: 'stylegan' }, /unknown family "stylegan"/, /dcgan, wgan, wgan-gp, cgan, sngan/);
  assertConfigError({ name: 'a', family: 'dcgan', epochs: 0 }, /"epochs"/, /positive whole number of epochs/);
  assertConfigError({ name: 'a', family: 'dcgan', steps: -2 }, /"steps"/, /positive whole number of steps/);
  assertConfigError({ name: 'a', family: 'dcgan', batchSize: 0 }, /"batchSize".*got 0/, /positive whole number/);
  assertConfigError({ name: 'a', family: 'dcgan', batchSize: 2.5 }, /"batchSize"/, /positive whole number/);
  assertConfigError({ name: 'a', family: 'dcgan', lrG: 0 }, /"lrG"/, /learning rate in \(0, 1\)/);
  assertConfigError({ name: 'a', family: 'dcgan', lrD: 3 }, /"lrD".*got 3/, /learning rate/);
  assertConfigError({ name: 'a', family: 'dcgan', lrD: Number.NaN }, /"lrD"/, /learning rate/);
  assertConfigError({ name: 'a', family: 'dcgan', betas: [0.5, 1] }, /"betas.1"/, /\[0, 1\)/);
  assertConfigError({ name: 'a', family: 'dcgan', bacthSize: 4 }, /unknown config field "bacthSize"/, /batchSize/);
  assertConfigError({ name: 'a b', family: 'dcgan' }, /"name"/, /short name/);
  assertConfigError({ name: 'a', family: 'dcgan', epochs: 1, steps: 1 }, /both epochs and steps/, /only one/);
});

test('family defaults fill the config', () => {
  const wgan = resolveConfig({ name: 'w', family: 'wgan' });
  assert.equal(wgan.optimizer, 'rmsprop');
  assert.equal(wgan.lrD, 5e-5);
  assert.equal(wgan.nCritic, 5);
  assert.equal(wgan.clip, 0.01);
  const gp = resolveConfig({ name: 'g', family: 'wgan-gp' });
  assert.deepEqual(gp.betas, [0, 0.9]);
  assert.equal(gp.gpLambda, 10);
  assert.equal(gp.lrG, 1e-4);
  const dcgan = resolveConfig({ name: 'd', family: 'dcgan', lrD: 4e-4 });
  assert.equal(dcgan.lrG, FAMILY_DEFAULTS.dcgan.lrG);
  assert.equal(dcgan.lrD, 4e-4);
  assert.equal(dcgan.epochs, 5);
  assert.equal(dcgan.steps, null);
  assert.deepEqual(resolveConfig(dcgan), dcgan);
});

test('config hash ignores key order', () => {
  const a = resolveConfig({ name: 'h', family: 'dcgan', batchSize: 32, ema: { enabled: true, decay: 0.99 } });
  const b = resolveConfig({ ema: { decay: 0.99, enabled: true }, batchSize: 32, family: 'dcgan', name: 'h' });
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(configHash(a), configHash(b));
  assert.match(configHash(a), /^[0-9a-f]{64}$/);
  const explicitDefault = resolveConfig({ name: 'h', family: 'dcgan', batchSize: 32, ema: { enabled: true, decay: 0.99 }, lrG: 2e-4 });
  assert.equal(configHash(explicitDefault), configHash(a));
  const other = resolveConfig({ name: 'h', family: 'dcgan', batchSize: 32, ema: { enabled: true, decay: 0.98 } });
  assert.notEqual(configHash(other), configHash(a));
  assert.equal(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' }), '{"a":"x","b":[2,{"c":null,"d":1}]}');
});

test('batch larger than dataset is rejected', async () => {
  await assert.rejects(train(tinyConfig({ maxImages: 10, batchSize: 16 }), { runsDir: tempRunsDir('batch'), log: () => undefined }),
    (error: unknown) => {
      assert.ok(error instanceof SynganError);
      assert.match(error.message, /"batchSize": 16 is larger than the dataset \(10 images\)/);
      assert.match(error.hint ?? '', /at most 10/);
      return true;
    });
});
