import type { Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { ProgressListener, ProgressTracker } from '../core/progress';
import { deriveSeed } from '../core/random';
import { DatasetFormat, DatasetManifest, createDatasetWriter, tensorToImageBytes } from '../data';
import { loadGenerator } from './generator';

/** Labels a batch of generated images [n, h, w, c] in [-1, 1]: one class index per image. */
export type Labeler = (images: Tensor4D) => Promise<Uint8Array>;

/** Options of `generateDataset`. */
export interface GenerateOptions {
  /** Images in total; for conditional models either this or `perClass`. */
  count?: number;
  /** Images per class (conditional models only); count = perClass × classes. */
  perClass?: number;
  format: DatasetFormat;
  outDir: string;
  /** Seed of the latent vectors. */
  seed: number;
  /** Replace an existing outDir (only once the new dataset is complete). */
  overwrite?: boolean;
  /** Images generated per batch; memory stays bounded by it. Default 500. */
  batchSize?: number;
  /** Classifier that labels images of an unconditional model; required for those. */
  labeler?: Labeler;
  /** Identifier of the labeler (for example the classifier's run id), stored in the manifest. */
  labelerId?: string;
  onProgress?: ProgressListener;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new SynganError(`invalid ${name} ${value}`, { hint: `${name} must be a positive whole number` });
  }
}

/**
 * Generates a labelled synthetic dataset from a trained run and writes it with the dataset
 * writer (IDX, PNG folder or NPY, with manifest.json). Images are generated, labelled and
 * written `batchSize` at a time. Conditional models get balanced classes: image i is generated as class
 * i mod classes, so every class has count/classes images (the first count mod classes classes
 * one more). Unconditional models need a `labeler`, and the manifest records
 * `labelSource: "classifier"` with `labelerId`. Latent batch b comes from seed
 * deriveSeed(seed, "generate/b"), so the same seed and batch size give the same images. Throws
 * when outDir exists, unless `overwrite`.
 */
export async function generateDataset(runDir: string, options: GenerateOptions): Promise<DatasetManifest> {
  checkCount('count', options.count);
  checkCount('perClass', options.perClass);
  checkCount('batchSize', options.batchSize);
  if (!Number.isInteger(options.seed) || options.seed < 0) {
    throw new SynganError(`invalid seed ${options.seed}`, { hint: 'seed must be a whole number ≥ 0' });
  }
  const generator = loadGenerator(runDir);
  try {
    const classCount = generator.classNames.length;
    if (options.perClass !== undefined && !generator.conditional) {
      throw new SynganError(`perClass needs a class-conditional run, but ${generator.record.id} is ${generator.config.family}`,
        { hint: 'pass count instead; the labeler decides the classes of an unconditional model' });
    }
    if (options.perClass !== undefined && options.count !== undefined && options.count !== options.perClass * classCount) {
      throw new SynganError(`count ${options.count} does not equal perClass ${options.perClass} × ${classCount} classes`,
        { hint: 'pass only one of count and perClass' });
    }
    const count = options.count ?? (options.perClass !== undefined ? options.perClass * classCount : undefined);
    if (count === undefined) throw new SynganError('missing count', { hint: 'pass count (or perClass for a conditional run)' });
    if (!generator.conditional && !options.labeler) {
      throw new SynganError(`${generator.record.id} is unconditional (${generator.config.family}), so its images need a classifier to label them`,
        { hint: 'pass a labeler (the project classifier), or generate from a conditional (cgan) run' });
    }

    const { height, width, channels } = generator.image;
    const writer = createDatasetWriter(options.format, options.outDir, {
      count, height, width, channels: channels as 1 | 3, classNames: generator.classNames, overwrite: options.overwrite,
    });
    const batchSize = options.batchSize ?? 500;
    const tracker = new ProgressTracker('generate', count, 'image', options.onProgress);
    try {
      for (let start = 0, batch = 0; start < count; start += batchSize, batch += 1) {
        const n = Math.min(batchSize, count - start);
        const z = tf.randomNormal([n, generator.latentDim], 0, 1, 'float32', deriveSeed(options.seed, `generate/${batch}`));
        let labels: Uint8Array;
        let images: Tensor4D;
        if (generator.conditional) {
          labels = new Uint8Array(n);
          for (let i = 0; i < n; i += 1) labels[i] = (start + i) % classCount;
          const labelTensor = tf.tensor1d(Int32Array.from(labels), 'int32');
          images = generator.generate(z as never, labelTensor);
          labelTensor.dispose();
        } else {
          images = generator.generate(z as never);
          labels = await options.labeler!(images);
          if (labels.length !== n) throw new Error(`labeler returned ${labels.length} labels for ${n} images`);
        }
        z.dispose();
        const bytes = tensorToImageBytes(images);
        images.dispose();
        writer.write(bytes, labels, n);
        tracker.tick(n);
      }
      const manifest = writer.close({
        run: { id: generator.record.id, configHash: generator.record.configHash, family: generator.config.family, usesEma: generator.usesEma },
        seed: options.seed,
        batchSize,
        labelSource: generator.conditional ? 'conditional' : 'classifier',
        ...(generator.conditional ? {} : { classifierId: options.labelerId ?? null }),
      });
      tracker.finish();
      return manifest;
    } catch (error) {
      writer.abort();
      throw error;
    }
  } finally {
    generator.dispose();
  }
}
