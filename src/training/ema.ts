import type { Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import type { ParameterStore, TensorMap } from '../models/parameters';

/**
 * Exponential moving average of a network's weights and state (batch-norm moving statistics):
 * after generator update t (1-based), ema ← d · ema + (1 − d) · live with
 * d = min(decay, (1 + t) / (10 + t)). Starts as a copy. The warm-up of d (as in TensorFlow's
 * ExponentialMovingAverage with num_updates) keeps the initial random weights from dominating
 * the average of a short run: with a fixed 0.999 they would still weigh 22% after 1,500 steps.
 */
export class WeightAverage {
  readonly weights = new Map<string, Variable>();
  readonly state = new Map<string, Variable>();

  constructor(private readonly store: ParameterStore, readonly decay: number) {
    for (const [name, variable] of store.trainable) this.weights.set(name, tf.variable(variable, false));
    for (const [name, variable] of store.state) this.state.set(name, tf.variable(variable, false));
  }

  /** Moves the average towards the live variables after generator update number `updates` (1-based). */
  update(updates: number): void {
    const decay = Math.min(this.decay, (1 + updates) / (10 + updates));
    tf.tidy(() => {
      for (const [name, average] of this.weights) this.blend(average, this.store.trainable.get(name)!, decay);
      for (const [name, average] of this.state) this.blend(average, this.store.state.get(name)!, decay);
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

  private blend(average: Variable, live: Variable, decay: number): void {
    average.assign(tf.add(tf.mul(average, decay), tf.mul(live, 1 - decay)));
  }
}
