import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { OpAttr, nativeBackend, opAttrs, requireNativeBackend } from '../core/native-ops';

/** True when the loaded backend can run `nativeBatchNormTraining`. */
export function hasNativeBatchNorm(): boolean {
  return nativeBackend() !== undefined;
}

/** Output of a training-mode batch norm: the normalised tensor and the batch statistics. */
export interface BatchNormResult {
  y: Tensor;
  /** Batch mean per channel [channels]. */
  mean: Tensor;
  /** Batch variance per channel [channels], Bessel-corrected (n / (n − 1)) as TensorFlow returns it for moving averages. */
  variance: Tensor;
}

/**
 * Normalises x [batch, h, w, channels] in training mode with TensorFlow's fused kernels:
 * FusedBatchNormV3 forward and FusedBatchNormGradV3 backward. That is one kernel each way
 * instead of the dozen element-wise ops of tfjs's own gradient. The result is differentiable
 * once (not twice) with respect to x, gamma and beta, on the native backend only (see
 * `hasNativeBatchNorm`). The returned mean and variance are outside every tidy scope, so the
 * caller disposes them.
 */
export function nativeBatchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): BatchNormResult {
  const backend = requireNativeBackend('nativeBatchNormTraining');
  const attr = opAttrs(backend);
  const attrs = (extra: OpAttr[]): OpAttr[] => [
    attr.float32Type('T'),
    attr.float32Type('U'),
    attr.float('epsilon', epsilon),
    attr.string('data_format', 'NHWC'),
    attr.bool('is_training', true),
    ...extra,
  ];

  const statistics: Tensor[] = [];
  const forward = (input: Tensor, scale: Tensor, offset: Tensor, save: GradSaveFunc): { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] } => {
    const empty = tf.zeros([0]);
    const outputs = backend.executeMultipleOutputs('FusedBatchNormV3',
      attrs([attr.float('exponential_avg_factor', 1)]),
      [input, scale, offset, empty, empty], 6);
    empty.dispose();
    const [y, batchMean, batchVariance, reserve1, reserve2, reserve3] = outputs;
    statistics.push(tf.keep(batchMean), tf.keep(batchVariance));
    save([input, scale, reserve1, reserve2, reserve3]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [savedInput, savedScale, r1, r2, r3] = saved;
        const grads = backend.executeMultipleOutputs('FusedBatchNormGradV3', attrs([]), [dy, savedInput, savedScale, r1, r2, r3], 5);
        tf.dispose(grads.slice(3));
        return grads.slice(0, 3);
      },
    };
  };
  const normalize = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = normalize(x, gamma, beta);
  return { y, mean: statistics[0], variance: statistics[1] };
}
