import type { Tensor, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';

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
 * Adam (Kingma & Ba 2015) in the form Keras uses: with t the update count,
 * α_t = lr · √(1 − β2^t) / (1 − β1^t), m ← m + (g − m)(1 − β1), v ← v + (g² − v)(1 − β2),
 * w ← w − α_t · m / (√v + ε). β^t is computed in float64 on the CPU from t.
 */
export class Adam implements Optimizer {
  private readonly m: Map<string, Variable>;
  private readonly v: Map<string, Variable>;
  iterations = 0;

  constructor(private readonly variables: Map<string, Variable>, readonly learningRate: number,
    readonly beta1: number, readonly beta2: number, readonly epsilon = 1e-7) {
    this.m = zeroSlots(variables, 'm');
    this.v = zeroSlots(variables, 'v');
  }

  apply(grads: Record<string, Tensor>): void {
    this.iterations += 1;
    const t = this.iterations;
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
    for (const slot of [...this.m.values(), ...this.v.values()]) slot.dispose();
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
