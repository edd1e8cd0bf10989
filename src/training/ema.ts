import type { Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import type { ParameterStore, TensorMap } from '../models/parameters';

/**
 * Exponential moving average of a network's weights and state (batch-norm moving statistics):
 * after each generator update, ema ← decay · ema + (1 − decay) · live. Starts as a copy.
 */
export class WeightAverage {
  readonly weights = new Map<string, Variable>();
  readonly state = new Map<string, Variable>();

  constructor(private readonly store: ParameterStore, readonly decay: number) {
    for (const [name, variable] of store.trainable) this.weights.set(name, tf.variable(variable, false));
    for (const [name, variable] of store.state) this.state.set(name, tf.variable(variable, false));
  }

  /** Moves the average one step towards the live variables. */
  update(): void {
    tf.tidy(() => {
      for (const [name, average] of this.weights) this.blend(average, this.store.trainable.get(name)!);
      for (const [name, average] of this.state) this.blend(average, this.store.state.get(name)!);
    });
  }

  /** Returns the averaged weights, for `ForwardContext.weights`. */
  weightMap(): TensorMap {
    return Object.fromEntries(this.weights);
  }

  /** Returns the averaged state, for `ForwardContext.state`. */
  stateMap(): TensorMap {
    return Object.fromEntries(this.state);
  }

  dispose(): void {
    for (const variable of [...this.weights.values(), ...this.state.values()]) variable.dispose();
  }

  private blend(average: Variable, live: Variable): void {
    average.assign(tf.add(tf.mul(average, this.decay), tf.mul(live, 1 - this.decay)));
  }
}
