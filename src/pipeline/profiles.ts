import { SynganError } from '../core/errors';

/** Names of the report's compute budgets. */
export type ProfileName = 'quick' | 'standard' | 'full';

/**
 * A compute budget for the whole report. On a 2-core CPU machine `quick` is sized to finish
 * within 15 minutes (measured about 9) and `standard` within 90 (measured about 70). `full` is
 * sized for a GPU.
 */
export interface Profile {
  name: ProfileName;
  description: string;
  /** Generator updates per GAN run (critic steps per generator step come on top for WGANs). */
  ganSteps: number;
  ganBatchSize: number;
  /** Base number of filters of the GAN networks. */
  ganWidth: number;
  /** Generator updates per GAN run on Fashion-MNIST. */
  fashionGanSteps: number;
  /** Epochs of the domain classifier that provides features and labels for the metrics. */
  classifierEpochs: number;
  /** Generated images per model for FID, KID, IS, precision/recall and density/coverage. */
  evalSamples: number;
  /** Real images per split for the metrics (and the real-vs-real baselines). */
  evalReal: number;
  /** Seeds of the downstream classifier (mean ± std over them). */
  downstreamSeeds: number[];
  downstreamEpochs: number;
  /** Real training images for the downstream classifier; synthetic sets are sized from it. */
  downstreamTrainImages: number;
  /** Amounts of synthetic data, as fractions of the real training size. */
  downstreamFractions: number[];
}

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    description: 'smoke-sized budgets: the whole report in about 9 minutes on 2 quiet CPU cores',
    // Small batches buy more generator updates for the same CPU time, which matters more for
    // sample quality this early in training than the batch size does.
    ganSteps: 600,
    ganBatchSize: 32,
    ganWidth: 32,
    fashionGanSteps: 600,
    classifierEpochs: 1,
    evalSamples: 2000,
    evalReal: 2000,
    downstreamSeeds: [1, 2, 3],
    downstreamEpochs: 2,
    downstreamTrainImages: 2000,
    downstreamFractions: [0.5, 1, 2],
  },
  standard: {
    name: 'standard',
    description: 'report-quality budgets: about 70 minutes on 2 quiet CPU cores',
    ganSteps: 3000,
    ganBatchSize: 64,
    ganWidth: 32,
    fashionGanSteps: 3000,
    classifierEpochs: 3,
    evalSamples: 10000,
    evalReal: 10000,
    downstreamSeeds: [1, 2, 3],
    downstreamEpochs: 3,
    downstreamTrainImages: 20000,
    downstreamFractions: [0.1, 0.5, 1, 2],
  },
  full: {
    name: 'full',
    description: 'GPU-scale budgets (not meant for a CPU)',
    ganSteps: 30000,
    ganBatchSize: 128,
    ganWidth: 64,
    fashionGanSteps: 30000,
    classifierEpochs: 8,
    evalSamples: 50000,
    evalReal: 10000,
    downstreamSeeds: [1, 2, 3, 4, 5],
    downstreamEpochs: 10,
    downstreamTrainImages: 60000,
    downstreamFractions: [0.1, 0.5, 1, 2],
  },
};

/** Looks up a profile by name; throws with the valid names otherwise. */
export function getProfile(name: string): Profile {
  const profile = PROFILES[name as ProfileName];
  if (!profile) {
    throw new SynganError(`unknown profile "${name}"`, { hint: `use one of ${Object.keys(PROFILES).join(', ')}` });
  }
  return profile;
}
