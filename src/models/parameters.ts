import type { Tensor, Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { deriveSeed } from '../core/random';

/** Weight initialisers the builders use. */
export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Normal(mean, stddev), the DCGAN paper's N(0, 0.02). */
  | { kind: 'normal'; mean: number; stddev: number }
  /** Glorot (Xavier) uniform, the Keras default for dense and convolution kernels. */
  | { kind: 'glorotUniform' };

/** Named tensors, for example a network's weights or an EMA copy of them. */
export type TensorMap = Record<string, Tensor>;

/**
 * The variables of one network: trainable weights and non-trainable state (batch-norm moving
 * statistics, spectral-norm power-iteration vectors). Names are local to the network
 * (`conv1/kernel`); every initial value comes from a seed derived from `seed` and the name, so
 * the same seed builds the same network whatever else was built before.
 */
export class ParameterStore {
  readonly trainable = new Map<string, Variable>();
  readonly state = new Map<string, Variable>();

  constructor(readonly seed: number) {}

  /** Creates a trainable weight of `shape`, initialised with a seed derived from its name. */
  weight(name: string, shape: number[], init: Initializer): Variable {
    return this.add(this.trainable, name, shape, init, true);
  }

  /** Creates a non-trainable state variable of `shape`. */
  stateVariable(name: string, shape: number[], init: Initializer): Variable {
    return this.add(this.state, name, shape, init, false);
  }

  /** Number of trainable scalars. */
  trainableCount(): number {
    let total = 0;
    for (const variable of this.trainable.values()) total += variable.size;
    return total;
  }

  /** Number of non-trainable scalars. */
  stateCount(): number {
    let total = 0;
    for (const variable of this.state.values()) total += variable.size;
    return total;
  }

  /** Returns the trainable weights as a name → tensor map (the variables themselves, not copies). */
  trainableMap(): TensorMap {
    return Object.fromEntries(this.trainable);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const variable of this.trainable.values()) variable.dispose();
    for (const variable of this.state.values()) variable.dispose();
    this.trainable.clear();
    this.state.clear();
  }

  private add(target: Map<string, Variable>, name: string, shape: number[], init: Initializer, trainable: boolean): Variable {
    if (this.trainable.has(name) || this.state.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const seed = deriveSeed(this.seed, `parameter/${name}`);
    const variable = tf.tidy(() => tf.variable(initialValue(shape, init, seed), trainable));
    target.set(name, variable);
    return variable;
  }
}

function initialValue(shape: number[], init: Initializer, seed: number): Tensor {
  switch (init.kind) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'normal':
      return tf.randomNormal(shape, init.mean, init.stddev, 'float32', seed);
    case 'glorotUniform':
      return tf.initializers.glorotUniform({ seed }).apply(shape);
  }
}
