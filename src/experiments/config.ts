import { z } from 'zod';

import { SynganError } from '../core/errors';
import { FAMILIES, Family, isFamily } from '../models/registry';
import type { LossKind } from '../training/losses';

/**
 * Version of the training numerics, part of every config hash. Bump it whenever a change would
 * make the same config train to different numbers, so cached runs are not reused by mistake.
 */
export const TRAINING_CODE_VERSION = 4;

const positiveInt = z.number().int().positive();
const learningRate = z.number().finite().positive().lt(1);

/** Fields a user may set; everything but `name` and `family` has a per-family default. */
export const trainConfigSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"').max(80),
  family: z.string(),
  dataset: z.string().min(1).default('mnist'),
  epochs: positiveInt.nullable().optional(),
  steps: positiveInt.nullable().optional(),
  batchSize: positiveInt.optional(),
  latentDim: positiveInt.optional(),
  width: positiveInt.optional(),
  optimizer: z.enum(['adam', 'rmsprop']).optional(),
  lrG: learningRate.optional(),
  lrD: learningRate.optional(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional(),
  nCritic: positiveInt.optional(),
  clip: z.number().finite().positive().nullable().optional(),
  gpLambda: z.number().finite().min(0).optional(),
  ema: z.object({ enabled: z.boolean().default(false), decay: z.number().gt(0).lt(1).default(0.999) }).strict().optional(),
  seed: z.number().int().min(0).optional(),
  checkpointEverySteps: positiveInt.optional(),
  sampleEverySteps: positiveInt.optional(),
  maxImages: positiveInt.nullable().optional(),
  imageSize: positiveInt.nullable().optional(),
  channels: z.union([z.literal(1), z.literal(3)]).nullable().optional(),
}).strict();

/** A training config as the user writes it. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** A validated config with every default filled in; its canonical JSON is what the hash covers. */
export interface TrainConfig {
  name: string;
  family: Family;
  dataset: string;
  /** Either epochs (passes over the real images by the discriminator) or steps (generator updates). */
  epochs: number | null;
  steps: number | null;
  batchSize: number;
  latentDim: number;
  width: number;
  optimizer: 'adam' | 'rmsprop';
  lrG: number;
  lrD: number;
  betas: [number, number];
  nCritic: number;
  clip: number | null;
  gpLambda: number;
  ema: { enabled: boolean; decay: number };
  seed: number;
  checkpointEverySteps: number;
  sampleEverySteps: number;
  /** Train on only the first maxImages images of the split (quick profiles); null for all. */
  maxImages: number | null;
  /** Side in pixels to resize the images to (bilinear), for example 32; null keeps the dataset's size. */
  imageSize: number | null;
  /** 1 (grayscale) or 3 (RGB) to convert the images to; null keeps the dataset's channels. */
  channels: 1 | 3 | null;
}

type FamilyDefaults = Pick<TrainConfig, 'optimizer' | 'lrG' | 'lrD' | 'betas' | 'nCritic' | 'clip' | 'gpLambda' | 'latentDim'>;

/**
 * Defaults per family, from the papers that introduced them:
 * - dcgan, cgan, reference-dcgan: Adam 2e-4, β1 0.5 (Radford et al. 2015);
 * - wgan: RMSProp 5e-5, 5 critic updates per generator update, clip 0.01 (Arjovsky et al. 2017);
 * - wgan-gp: Adam 1e-4, β (0, 0.9), 5 critic updates, λ 10 (Gulrajani et al. 2017);
 * - sngan: Adam 2e-4, β (0.5, 0.999), one critic update (Miyato et al. 2018, setting C).
 */
export const FAMILY_DEFAULTS: Record<Family, FamilyDefaults> = {
  'dcgan': { optimizer: 'adam', lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0, latentDim: 100 },
  'wgan': { optimizer: 'rmsprop', lrG: 5e-5, lrD: 5e-5, betas: [0.5, 0.999], nCritic: 5, clip: 0.01, gpLambda: 0, latentDim: 100 },
  'wgan-gp': { optimizer: 'adam', lrG: 1e-4, lrD: 1e-4, betas: [0, 0.9], nCritic: 5, clip: null, gpLambda: 10, latentDim: 100 },
  'cgan': { optimizer: 'adam', lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0, latentDim: 100 },
  'sngan': { optimizer: 'adam', lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0, latentDim: 100 },
  'reference-dcgan': { optimizer: 'adam', lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999], nCritic: 1, clip: null, gpLambda: 0, latentDim: 100 },
};

/** Returns the loss a family trains with. */
export function lossOf(family: Family): LossKind {
  if (family === 'wgan' || family === 'wgan-gp') return 'wasserstein';
  if (family === 'sngan') return 'hinge';
  return 'non-saturating';
}

const FIELD_HINTS: Record<string, string> = {
  name: 'use a short name such as "dcgan-mnist"',
  epochs: 'set a positive whole number of epochs, or steps instead',
  steps: 'set a positive whole number of steps, or epochs instead',
  batchSize: 'set a positive whole number, for example 64',
  lrG: 'set a learning rate in (0, 1), for example 2e-4',
  lrD: 'set a learning rate in (0, 1), for example 2e-4',
  betas: 'set two numbers in [0, 1), for example [0.5, 0.999]',
  ema: 'set { "enabled": true, "decay": 0.999 } with decay in (0, 1)',
};

/**
 * Validates a config and fills in the family's defaults. Throws a SynganError naming the field
 * and the fix for an unknown family or field, non-positive epochs, steps or batch size, and
 * learning rates outside (0, 1). The batch size against the dataset size is checked when
 * training starts, since it needs the dataset.
 */
export function resolveConfig(input: unknown): TrainConfig {
  const parsed = trainConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
    if (issue.code === 'unrecognized_keys') {
      throw new SynganError(`unknown config field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`,
        { hint: `known fields: ${Object.keys(trainConfigSchema.shape).join(', ')}` });
    }
    const value = field === undefined ? input : issue.path.reduce<unknown>((at, key) => (at as Record<string | number, unknown> | undefined)?.[key], input);
    throw new SynganError(`invalid config field "${field ?? '(config)'}": ${issue.message.toLowerCase()} (got ${JSON.stringify(value)})`,
      { hint: FIELD_HINTS[String(issue.path[0])] ?? 'check the value against the documented config fields' });
  }
  const config = parsed.data;
  if (!isFamily(config.family)) {
    throw new SynganError(`unknown family "${config.family}"`, { hint: `use one of ${FAMILIES.join(', ')}` });
  }
  if (config.epochs != null && config.steps != null) {
    throw new SynganError('config sets both epochs and steps', { hint: 'set only one of them' });
  }
  const family = config.family;
  const defaults = FAMILY_DEFAULTS[family];
  if (family === 'reference-dcgan' && config.latentDim !== undefined && config.latentDim !== 100) {
    throw new SynganError(`invalid config field "latentDim": reference-dcgan has a fixed latent size of 100 (got ${config.latentDim})`,
      { hint: 'remove latentDim, or choose the dcgan family' });
  }
  return {
    name: config.name,
    family,
    dataset: config.dataset,
    epochs: config.steps == null ? config.epochs ?? 5 : null,
    steps: config.steps ?? null,
    batchSize: config.batchSize ?? 64,
    latentDim: config.latentDim ?? defaults.latentDim,
    width: config.width ?? 64,
    optimizer: config.optimizer ?? defaults.optimizer,
    lrG: config.lrG ?? defaults.lrG,
    lrD: config.lrD ?? defaults.lrD,
    betas: config.betas ?? defaults.betas,
    nCritic: config.nCritic ?? defaults.nCritic,
    clip: config.clip === undefined ? defaults.clip : config.clip,
    gpLambda: config.gpLambda ?? defaults.gpLambda,
    ema: { enabled: config.ema?.enabled ?? false, decay: config.ema?.decay ?? 0.999 },
    seed: config.seed ?? 0,
    checkpointEverySteps: config.checkpointEverySteps ?? 500,
    sampleEverySteps: config.sampleEverySteps ?? 500,
    maxImages: config.maxImages ?? null,
    imageSize: config.imageSize ?? null,
    channels: config.channels ?? null,
  };
}
