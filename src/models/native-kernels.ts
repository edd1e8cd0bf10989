import type { NamedAttrMap, Tensor, Tensor2D, TensorInfo } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { NativeBackend, OpAttr, nativeBackend, opAttrs } from '../core/native-ops';

// Kernels that tfjs-node 4.22 runs as several ops, or differentiates with wasted work, routed to
// single TensorFlow ops. They are registered under syngan's own kernel names for the
// 'tensorflow' backend only, so tfjs's own kernels and gradients stay as they are for other code.
// On other backends the exported functions call the tfjs ops.

const LEAKY_RELU = 'SynganLeakyRelu';
const LEAKY_RELU_GRAD = 'SynganLeakyReluGrad';
const MAT_MUL = 'SynganMatMul';

let registered = false;

function registerKernels(): void {
  if (registered) return;
  registered = true;
  type AttrBuilders = ReturnType<typeof opAttrs>;
  const run = (backend: unknown, name: string, attrs: (attr: AttrBuilders) => OpAttr[], inputs: TensorInfo[]): TensorInfo => {
    const native = backend as NativeBackend;
    return native.executeSingleOutput(name, attrs(opAttrs(native)), inputs as Tensor[]);
  };

  // LeakyRelu forward is one TensorFlow op already, so the gain is in its gradient. tfjs
  // differentiates it as where(x > 0, dy, alpha · dy), three ops, where TensorFlow's
  // LeakyReluGrad is one.
  tf.registerKernel({
    kernelName: LEAKY_RELU,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => run(backend, 'LeakyRelu',
      (attr) => [attr.float32Type('T'), attr.float('alpha', attrs!.alpha as number)], [inputs.x!]),
  });
  tf.registerGradient({
    kernelName: LEAKY_RELU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => leakyReluGrad(dy as Tensor, saved[0], attrs.alpha as number) }),
  });

  tf.registerKernel({
    kernelName: LEAKY_RELU_GRAD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => run(backend, 'LeakyReluGrad',
      (attr) => [attr.float32Type('T'), attr.float('alpha', attrs!.alpha as number)], [inputs.dy!, inputs.x!]),
  });
  // The gradient of a gradient, which WGAN-GP's penalty needs: LeakyReluGrad is linear in dy
  // with the same slopes, and its derivative with respect to x is zero almost everywhere.
  tf.registerGradient({
    kernelName: LEAKY_RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (ddx, saved, attrs) => ({
      dy: () => leakyReluGrad(ddx as Tensor, saved[0], attrs.alpha as number),
      x: () => tf.zerosLike(saved[0]),
    }),
  });

  tf.registerKernel({
    kernelName: MAT_MUL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => run(backend, 'MatMul',
      (attr) => [attr.float32Type('T'), attr.bool('transpose_a', attrs!.transposeA as boolean), attr.bool('transpose_b', attrs!.transposeB as boolean)],
      [inputs.a!, inputs.b!]),
  });
  // tfjs evaluates only the gradients that lead to requested variables. A dense layer's input
  // gradient is skipped when the input is a latent batch, which tfjs's fused matMul, built on
  // customGrad, always computes.
  tf.registerGradient({
    kernelName: MAT_MUL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as Tensor2D[];
      const d = dy as Tensor2D;
      const transposeA = attrs.transposeA as boolean;
      const transposeB = attrs.transposeB as boolean;
      if (!transposeA && !transposeB) return { a: () => matMul(d, b, false, true), b: () => matMul(a, d, true, false) };
      if (!transposeA && transposeB) return { a: () => matMul(d, b, false, false), b: () => matMul(d, a, true, false) };
      if (transposeA && !transposeB) return { a: () => matMul(b, d, false, true), b: () => matMul(a, d, false, false) };
      return { a: () => matMul(b, d, true, true), b: () => matMul(d, a, true, true) };
    },
  });
}

function runNative(kernelName: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap): Tensor {
  registerKernels();
  return tf.engine().runKernel(kernelName, inputs, attrs) as Tensor;
}

/** LeakyReLU, max(x, alpha · x) for 0 < alpha < 1, with TensorFlow's LeakyReluGrad as its gradient on the native backend. */
export function leakyRelu(x: Tensor, alpha: number): Tensor {
  if (!nativeBackend()) return tf.leakyRelu(x, alpha);
  return runNative(LEAKY_RELU, { x }, { alpha });
}

function leakyReluGrad(dy: Tensor, x: Tensor, alpha: number): Tensor {
  return runNative(LEAKY_RELU_GRAD, { dy, x }, { alpha });
}

/** Multiplies two rank-2 tensors, optionally transposed, with TensorFlow's MatMul on the native backend. */
export function matMul(a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false): Tensor2D {
  if (!nativeBackend()) return tf.matMul(a, b, transposeA, transposeB);
  return runNative(MAT_MUL, { a, b }, { transposeA, transposeB }) as Tensor2D;
}
