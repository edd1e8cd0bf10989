import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backendInfo, describeBackend, loadBackend, parseBackendRequest, tf } from '../../src/core/backend';
import { SynganError } from '../../src/core/errors';

test('default backend is native TensorFlow', () => {
  const info = loadBackend('auto');
  assert.equal(info.kind, 'cpu');
  assert.equal(info.tfBackendName, 'tensorflow');
  assert.equal(tf.getBackend(), 'tensorflow');
  assert.match(info.tensorflowVersion ?? '', /^2\.\d+\.\d+/);
  assert.ok(info.intraOpThreads >= 1);
  assert.match(describeBackend(info), /backend: cpu \(@tensorflow\/tfjs-node, TensorFlow 2\./);
});

test('conv model trains one step natively', async () => {
  assert.equal(backendInfo().kind, 'cpu');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 3);
  const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], 'float32');
  const before = (model.evaluate(x, y) as import('@tensorflow/tfjs').Scalar).dataSync()[0];
  const weightsBefore = model.getWeights()[0].dataSync().slice();
  const history = await model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  const weightsAfter = model.getWeights()[0].dataSync();

  assert.equal(tf.getBackend(), 'tensorflow');
  assert.ok(Number.isFinite(history.history.loss[0] as number));
  assert.ok(Math.abs((history.history.loss[0] as number) - before) < 1e-5, 'fit reports the loss before its update');
  assert.notDeepEqual(Array.from(weightsAfter), Array.from(weightsBefore));
  tf.dispose([x, y]);
});

test('backend request parsing', () => {
  assert.equal(parseBackendRequest(undefined), 'auto');
  assert.equal(parseBackendRequest(' GPU '), 'gpu');
  assert.throws(() => parseBackendRequest('cuda'), (error: unknown) =>
    error instanceof SynganError && /invalid backend "cuda"/.test(error.message) && /auto, gpu, cpu, js/.test(error.hint ?? ''));
});

test('switching backend after load is rejected', () => {
  loadBackend('auto');
  assert.throws(() => loadBackend('js'), /already loaded/);
});
