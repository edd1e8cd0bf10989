import { tf } from '../core/backend';

let registered = false;

/**
 * Registers zero gradients for the comparison ops Greater, Less, LessEqual, Equal and NotEqual
 * (GreaterEqual already has one in tfjs-core 4.22). TensorFlow.js registers none for them, so a
 * second derivative through LeakyReLU (whose gradient builds `greater(x, 0)`) fails with
 * "gradient function not found for Greater". A comparison is piecewise constant, so its
 * gradient is zero wherever it is defined. Safe to call more than once.
 */
export function registerComparisonGradients(): void {
  if (registered) return;
  for (const kernelName of ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved;
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
  }
  registered = true;
}
