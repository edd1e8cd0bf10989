import seedrandom from 'seedrandom';

/**
 * A seeded pseudo-random source (the Alea generator of the `seedrandom` package). Every random
 * draw in syngan comes from one of these or from a TensorFlow.js op given a seed derived here,
 * so the same experiment seed gives the same numbers.
 */
export class Random {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seed: number | string) {
    this.prng = seedrandom.alea(String(seed));
  }

  /** Returns a float uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Returns an integer uniform in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.prng() * maxExclusive);
  }

  /** A 31-bit integer seed for a TensorFlow.js op or a child generator. */
  nextSeed(): number {
    return this.prng.int32() >>> 1;
  }

  /** Shuffles `values` in place (Fisher-Yates) and returns it. */
  shuffle<T>(values: T[] | Uint32Array | Int32Array): typeof values {
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /** Returns a random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const indices = new Uint32Array(n);
    for (let i = 0; i < n; i += 1) indices[i] = i;
    this.shuffle(indices);
    return indices;
  }
}

/**
 * Derives a seed for a named purpose from a parent seed (for example "init/generator" or
 * "noise"), so that adding a new random draw does not shift the numbers of the others.
 */
export function deriveSeed(seed: number, purpose: string): number {
  return new Random(`${seed}/${purpose}`).nextSeed();
}
