import type { Tensor, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { OpAttr, ResourceVariable, nativeBackend, opAttrs, requireNativeBackend } from '../core/native-ops';

/**
 * A gradient-descent optimizer over a fixed set of named variables. Its slots (moments) are
 * plain variables keyed by those names, so a checkpoint restores it exactly: tfjs's own Adam
 * recomputes β^t with `pow` on restore, which can differ in the last bit from its running product.
 */
export interface Optimizer {
  /** Number of updates applied so far (t); a checkpoint stores and restores it. */
  iterations: number;
  /** Applies one update from gradients keyed by the same names as the variables. */
  apply(grads: Record<string, Tensor>): void;
  /** The slot variables by name (for example `m/conv1/kernel`), for checkpoints. */
  slotVariables(): Map<string, Variable>;
  dispose(): void;
}

function zeroSlots(variables: Map<string, Variable>, prefix: string): Map<string, Variable> {
  const slots = new Map<string, Variable>();
  for (const [name, variable] of variables) slots.set(`${prefix}/${name}`, tf.variable(tf.zerosLike(variable), false));
  return slots;
}

/**
 * Adam (Kingma & Ba 2015) in the form Keras and TensorFlow's ApplyAdam kernel use: with t the
 * update count, α_t = lr · √(1 − β2^t) / (1 − β1^t), m ← m + (g − m)(1 − β1),
 * v ← v + (g² − v)(1 − β2), w ← w − α_t · m / (√v + ε). β1^t and β2^t are computed in float64 on
 * the CPU from t, so a restored optimizer continues exactly. On the native backend each update is
 * one ResourceApplyAdam kernel per variable (see `NativeAdamSlots`); elsewhere it is tfjs ops.
 */
export class Adam implements Optimizer {
  private readonly m: Map<string, Variable>;
  private readonly v: Map<string, Variable>;
  private readonly native?: NativeAdamSlots;
  iterations = 0;

  /** `useNativeKernel` false keeps the tfjs ops on the native backend too (to compare the two). */
  constructor(private readonly variables: Map<string, Variable>, readonly learningRate: number,
    readonly beta1: number, readonly beta2: number, readonly epsilon = 1e-7, useNativeKernel = true) {
    this.m = zeroSlots(variables, 'm');
    this.v = zeroSlots(variables, 'v');
    if (useNativeKernel && nativeBackend()) this.native = new NativeAdamSlots(variables, this.m, this.v);
  }

  apply(grads: Record<string, Tensor>): void {
    this.iterations += 1;
    const t = this.iterations;
    if (this.native) {
      this.native.apply(grads, { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t });
      return;
    }
    const alpha = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const g = grads[name];
        if (!g) continue;
        const m = this.m.get(`m/${name}`)!;
        const v = this.v.get(`v/${name}`)!;
        m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - this.beta1)));
        v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), 1 - this.beta2)));
        variable.assign(tf.sub(variable, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), this.epsilon))));
      }
    });
  }

  slotVariables(): Map<string, Variable> {
    return new Map([...this.m, ...this.v]);
  }

  dispose(): void {
    this.native?.dispose();
    for (const slot of [...this.m.values(), ...this.v.values()]) slot.dispose();
  }
}

/** A tfjs variable and the TensorFlow resource variable that mirrors it. */
interface MirroredVariable {
  variable: Variable;
  resource: ResourceVariable;
  /** Data of `variable` when the two last agreed; any other value means it was assigned from outside (a checkpoint restore, weight clipping). */
  syncedDataId: object;
}

/**
 * The weights and Adam moments of one optimizer as TensorFlow resource variables, for the
 * fused ResourceApplyAdam kernel: one pass over w, m, v and g per variable in place of twelve
 * element-wise tfjs ops. The networks, checkpoints and EMA keep reading the tfjs variables.
 * After each update those take the new values, which share the resources' buffers. A tfjs
 * variable assigned from outside since the last update is copied into its resource first.
 */
class NativeAdamSlots {
  private readonly slots = new Map<string, { weight: MirroredVariable; m: MirroredVariable; v: MirroredVariable }>();
  private readonly backend = requireNativeBackend('NativeAdamSlots');
  private readonly attrs: OpAttr[];

  constructor(variables: Map<string, Variable>, m: Map<string, Variable>, v: Map<string, Variable>) {
    const attr = opAttrs(this.backend);
    this.attrs = [attr.float32Type('T'), attr.bool('use_locking', false), attr.bool('use_nesterov', false)];
    const mirror = (variable: Variable): MirroredVariable => ({ variable, resource: new ResourceVariable(variable), syncedDataId: variable.dataId });
    for (const [name, variable] of variables) {
      this.slots.set(name, { weight: mirror(variable), m: mirror(m.get(`m/${name}`)!), v: mirror(v.get(`v/${name}`)!) });
    }
  }

  apply(grads: Record<string, Tensor>, settings: { learningRate: number; beta1: number; beta2: number; epsilon: number; t: number }): void {
    const { learningRate, beta1, beta2, epsilon, t } = settings;
    tf.tidy(() => {
      const scalars = [beta1 ** t, beta2 ** t, learningRate, beta1, beta2, epsilon].map((value) => tf.scalar(value));
      for (const [name, slot] of this.slots) {
        const g = grads[name];
        if (!g) continue;
        const mirrored = [slot.weight, slot.m, slot.v];
        for (const item of mirrored) {
          if (item.variable.dataId !== item.syncedDataId) item.resource.assign(item.variable);
        }
        this.backend.executeMultipleOutputs('ResourceApplyAdam', this.attrs,
          [slot.weight.resource.handle, slot.m.resource.handle, slot.v.resource.handle, ...scalars, g], 0);
        for (const item of mirrored) {
          item.variable.assign(item.resource.read());
          item.syncedDataId = item.variable.dataId;
        }
      }
    });
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      for (const item of [slot.weight, slot.m, slot.v]) item.resource.dispose();
    }
  }
}

/**
 * RMSProp in PyTorch's default form (the one the WGAN reference code ran):
 * s ← ρ s + (1 − ρ) g², w ← w − lr · g / (√s + ε), with ρ = 0.99 and ε = 1e-8.
 */
export class RmsProp implements Optimizer {
  private readonly meanSquare: Map<string, Variable>;
  iterations = 0;

  constructor(private readonly variables: Map<string, Variable>, readonly learningRate: number,
    readonly rho = 0.99, readonly epsilon = 1e-8) {
    this.meanSquare = zeroSlots(variables, 'ms');
  }

  apply(grads: Record<string, Tensor>): void {
    this.iterations += 1;
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const g = grads[name];
        if (!g) continue;
        const s = this.meanSquare.get(`ms/${name}`)!;
        s.assign(tf.add(tf.mul(s, this.rho), tf.mul(tf.square(g), 1 - this.rho)));
        variable.assign(tf.sub(variable, tf.div(tf.mul(g, this.learningRate), tf.add(tf.sqrt(s), this.epsilon))));
      }
    });
  }

  slotVariables(): Map<string, Variable> {
    return new Map(this.meanSquare);
  }

  dispose(): void {
    for (const slot of this.meanSquare.values()) slot.dispose();
  }
}
