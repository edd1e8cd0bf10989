// Writes the small graph-model fixture in test/fixtures/graph-model/: a TensorFlow.js graph model
// (model.json + weights.bin) shaped like the 2015 Inception-v3 graph that the FID code reads.
// It has an input of [n, 299, 299, 3], a `pool_3` node and a `softmax/logits` node, but only 4
// features and 5 classes. Run `node dist/test/extractors/graph-model-fixture.js test/fixtures/graph-model` to
// regenerate it; the test checks that the committed files match this writer.
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURE_INPUT_SIZE = 299;
export const FIXTURE_KERNEL_SIZE = 3;
export const FIXTURE_STRIDE = 2;
export const FIXTURE_FEATURES = 4;
export const FIXTURE_CLASSES = 5;

/** Conv2D kernel [3, 3, 3 in, 4 out], HWIO order, values in [-0.4, 0.4]. */
export function fixtureKernel(): Float32Array {
  const values = new Float32Array(FIXTURE_KERNEL_SIZE * FIXTURE_KERNEL_SIZE * 3 * FIXTURE_FEATURES);
  for (let i = 0; i < values.length; i += 1) values[i] = (((i * 37) % 17) - 8) / 20;
  return values;
}

/** Conv2D bias [4]. */
export function fixtureConvBias(): Float32Array {
  return Float32Array.from([0.1, -0.05, 0.2, 0]);
}

/** Dense weights [4 features, 5 classes], row-major. */
export function fixtureDenseWeights(): Float32Array {
  const values = new Float32Array(FIXTURE_FEATURES * FIXTURE_CLASSES);
  for (let i = 0; i < values.length; i += 1) values[i] = (((i * 11) % 7) - 3) / 4;
  return values;
}

/** Dense bias [5]. */
export function fixtureDenseBias(): Float32Array {
  return Float32Array.from([0.5, -0.25, 0, 0.125, -0.5]);
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

function constNode(name: string, dtype: 'DT_FLOAT' | 'DT_INT32', shape: number[]) {
  return {
    name,
    op: 'Const',
    attr: {
      value: { tensor: { dtype, tensorShape: { dim: shape.map((size) => ({ size: String(size) })) } } },
      dtype: { type: dtype },
    },
  };
}

const float = { T: { type: 'DT_FLOAT' } };

/** The model.json object and the weights.bin bytes of the fixture. */
export function buildGraphModelFixture(): { modelJson: unknown; weights: Buffer } {
  const kernelShape = [FIXTURE_KERNEL_SIZE, FIXTURE_KERNEL_SIZE, 3, FIXTURE_FEATURES];
  const nodes = [
    {
      name: 'input',
      op: 'Placeholder',
      attr: {
        dtype: { type: 'DT_FLOAT' },
        shape: { shape: { dim: [{ size: '-1' }, { size: String(FIXTURE_INPUT_SIZE) }, { size: String(FIXTURE_INPUT_SIZE) }, { size: '3' }] } },
      },
    },
    constNode('conv/kernel', 'DT_FLOAT', kernelShape),
    constNode('conv/bias', 'DT_FLOAT', [FIXTURE_FEATURES]),
    constNode('pool_3/axes', 'DT_INT32', [2]),
    constNode('pool_3/_reshape/shape', 'DT_INT32', [2]),
    constNode('softmax/weights', 'DT_FLOAT', [FIXTURE_FEATURES, FIXTURE_CLASSES]),
    constNode('softmax/biases', 'DT_FLOAT', [FIXTURE_CLASSES]),
    {
      name: 'conv/Conv2D',
      op: 'Conv2D',
      input: ['input', 'conv/kernel'],
      attr: {
        ...float,
        strides: { list: { i: ['1', String(FIXTURE_STRIDE), String(FIXTURE_STRIDE), '1'] } },
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
      },
    },
    { name: 'conv/BiasAdd', op: 'BiasAdd', input: ['conv/Conv2D', 'conv/bias'], attr: { ...float, data_format: { s: b64('NHWC') } } },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/BiasAdd'], attr: float },
    { name: 'pool_3', op: 'Mean', input: ['conv/Relu', 'pool_3/axes'], attr: { ...float, Tidx: { type: 'DT_INT32' }, keep_dims: { b: true } } },
    { name: 'pool_3/_reshape', op: 'Reshape', input: ['pool_3', 'pool_3/_reshape/shape'], attr: { ...float, Tshape: { type: 'DT_INT32' } } },
    {
      name: 'softmax/logits/MatMul',
      op: 'MatMul',
      input: ['pool_3/_reshape', 'softmax/weights'],
      attr: { ...float, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'softmax/logits', op: 'BiasAdd', input: ['softmax/logits/MatMul', 'softmax/biases'], attr: { ...float, data_format: { s: b64('NHWC') } } },
    { name: 'softmax', op: 'Softmax', input: ['softmax/logits'], attr: float },
  ];

  const weightSpecs = [
    { name: 'conv/kernel', shape: kernelShape, dtype: 'float32', data: fixtureKernel() },
    { name: 'conv/bias', shape: [FIXTURE_FEATURES], dtype: 'float32', data: fixtureConvBias() },
    { name: 'pool_3/axes', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) },
    { name: 'pool_3/_reshape/shape', shape: [2], dtype: 'int32', data: Int32Array.from([-1, FIXTURE_FEATURES]) },
    { name: 'softmax/weights', shape: [FIXTURE_FEATURES, FIXTURE_CLASSES], dtype: 'float32', data: fixtureDenseWeights() },
    { name: 'softmax/biases', shape: [FIXTURE_CLASSES], dtype: 'float32', data: fixtureDenseBias() },
  ];
  const weights = Buffer.concat(weightSpecs.map((spec) => Buffer.from(spec.data.buffer, spec.data.byteOffset, spec.data.byteLength)));
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'syngan test/extractors/graph-model-fixture.ts',
    convertedBy: 'hand-written GraphDef JSON',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  return { modelJson, weights };
}

/** Writes model.json and weights.bin into `dir`. */
export function writeGraphModelFixture(dir: string): void {
  const { modelJson, weights } = buildGraphModelFixture();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'weights.bin'), weights);
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/test/extractors/graph-model-fixture.js OUTPUT_DIR\n');
    process.exit(2);
  }
  writeGraphModelFixture(dir);
}
