import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';

import { tf } from '../core/backend';

interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string;
}

interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_BOOL: number; TF_ATTR_STRING: number; TF_FLOAT: number };
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}

function nativeBackend(): NativeBackend | undefined {
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  if (tf.getBackend() !== 'tensorflow' || !backend.binding || !backend.executeMultipleOutputs) return undefined;
  return backend as NativeBackend;
}

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
  const backend = nativeBackend();
  if (!backend) throw new Error('nativeBatchNormTraining needs the native TensorFlow backend');
  const { binding } = backend;
  const attrs = (extra: OpAttr[]): OpAttr[] => [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
    ...extra,
  ];

  const statistics: Tensor[] = [];
  const forward = (input: Tensor, scale: Tensor, offset: Tensor, save: GradSaveFunc): { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] } => {
    const empty = tf.zeros([0]);
    const outputs = backend.executeMultipleOutputs('FusedBatchNormV3',
      attrs([{ name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: 1 }]),
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
