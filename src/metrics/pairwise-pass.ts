import type { Arithmetic } from './arithmetic';
import type { FeatureMatrix } from './feature-matrix';
import { type InnerProductBlock, forEachInnerProductBlock } from './inner-products';

/** Which pair of sets a block of inner products comes from. */
export type PairKind = 'real-real' | 'fake-fake' | 'real-fake';

/**
 * Something computed from the pairwise inner products of real and fake features (KID kernel sums,
 * k-NN radii and matches). `runPairwisePass` visits 'real-real' blocks, then 'fake-fake', then
 * 'real-fake', so a consumer can finish what it needs from the first two before the third.
 */
export interface PairwiseConsumer {
  /** Kinds of blocks this consumer needs. */
  readonly kinds: readonly PairKind[];
  /**
   * Receives one block. For 'real-real' and 'fake-fake' only entries with column > row belong to
   * the block (the others are repeated elsewhere or are the self-pairs); for 'real-fake' rows are
   * real samples and columns fake samples.
   */
  visit(kind: PairKind, block: InnerProductBlock): void;
  /** Called once after the last block of each kind. */
  finishKind?(kind: PairKind): void;
}

/**
 * Computes each needed block of inner products once (real·real, fake·fake, real·fake) and hands it
 * to every consumer that needs that kind, so KID and PRDC share the expensive products.
 */
export function runPairwisePass(real: FeatureMatrix, fake: FeatureMatrix, arithmetic: Arithmetic,
  consumers: readonly PairwiseConsumer[], maxBlockValues?: number): void {
  const order: PairKind[] = ['real-real', 'fake-fake', 'real-fake'];
  for (const kind of order) {
    const interested = consumers.filter((consumer) => consumer.kinds.includes(kind));
    if (interested.length === 0) continue;
    const first = kind === 'fake-fake' ? fake : real;
    const second = kind === 'real-fake' ? fake : 'self';
    forEachInnerProductBlock(first, second, arithmetic, (block) => {
      for (const consumer of interested) consumer.visit(kind, block);
    }, maxBlockValues);
    for (const consumer of interested) consumer.finishKind?.(kind);
  }
}

/** Multiply-adds of the inner products a pass over these kinds needs, for choosing the arithmetic. */
export function pairwiseMultiplyAdds(realRows: number, fakeRows: number, dims: number, kinds: readonly PairKind[]): number {
  let pairs = 0;
  if (kinds.includes('real-real')) pairs += (realRows * realRows) / 2;
  if (kinds.includes('fake-fake')) pairs += (fakeRows * fakeRows) / 2;
  if (kinds.includes('real-fake')) pairs += realRows * fakeRows;
  return pairs * dims;
}
