import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';

import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';

import { tf } from '../../core/backend';
import { SynganError } from '../../core/errors';
import { mapInBatches } from './batches';
import type { FeatureMatrix } from '../feature-matrix';
import type { FeatureExtractor } from './types';

/**
 * Pixel range a graph model expects: `[-1,1]` for Keras's InceptionV3 (its `preprocess_input`),
 * `[0,1]` for TF-Hub image models (the common image input convention on
 * tensorflow.org/hub/common_signatures/images), or `[0,255]`. syngan images are in [-1, 1] and
 * are rescaled linearly.
 */
export type GraphModelInputRange = '[-1,1]' | '[0,1]' | '[0,255]';

export const GRAPH_MODEL_INPUT_RANGES: readonly GraphModelInputRange[] = ['[-1,1]', '[0,1]', '[0,255]'];

/**
 * Default output nodes, named after the 2015 Inception-v3 graph whose 2048-d `pool_3` the original
 * FID and Inception Score code read. Other conversions (Keras, TF-Hub) name their nodes
 * differently, so pass `featuresNode` and `logitsNode` for them.
 * NOTE: the original Inception Score code computes the 1008 logits as `pool_3` times the weights of
 * `softmax/logits/MatMul`, without a bias. Whether `softmax/logits` adds a bias in that graph was
 * not checked against a converted copy; pass `softmax/logits/MatMul` to match that code exactly.
 */
export const DEFAULT_FEATURES_NODE = 'pool_3';
export const DEFAULT_LOGITS_NODE = 'softmax/logits';

export const INCEPTION_NOTE =
  'Features from an Inception-v3 graph model supplied by the user; FID is comparable with published Inception FIDs ' +
  'only when the same weights, resize and input scaling were used, and FID depends on the sample count.';

export interface GraphModelExtractorOptions {
  /** Path of the graph model's `model.json`, or of the folder that contains it. */
  modelPath: string;
  /** Default `[-1,1]`. */
  inputRange?: GraphModelInputRange;
  /** Side of the square input after bilinear resizing; default from the model's input shape, else 299. */
  inputSize?: number;
  /** Node whose output is the feature vector (reshaped to one row per image); default `pool_3`. */
  featuresNode?: string;
  /** Node whose output is the class logits; default `softmax/logits`. */
  logitsNode?: string;
  /** Images per forward pass; default 50. */
  batchSize?: number;
  /** Name prefix for `name`; default `inception-v3`. */
  namePrefix?: string;
}

interface GraphModelJson {
  format?: string;
  modelTopology?: { node?: Array<{ name: string; op: string; attr?: Record<string, unknown> }> };
  weightsManifest?: Array<{ paths: string[] }>;
}

function resolveModelJson(modelPath: string): string {
  const resolved = path.resolve(modelPath);
  if (!fs.existsSync(resolved)) {
    throw new SynganError(`graph model not found: ${resolved}`,
      { hint: 'pass the path of a TensorFlow.js graph model (model.json with its weight shards) or of its folder' });
  }
  const file = fs.statSync(resolved).isDirectory() ? path.join(resolved, 'model.json') : resolved;
  if (!fs.existsSync(file)) {
    throw new SynganError(`no model.json in ${resolved}`, { hint: 'pass the folder that contains model.json, or the path of model.json itself' });
  }
  return file;
}

function readGraphModelJson(file: string): GraphModelJson {
  let parsed: GraphModelJson;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as GraphModelJson;
  } catch (error) {
    throw new SynganError(`${file}: invalid JSON (${(error as Error).message})`, { hint: 'pass the model.json written by tensorflowjs_converter', cause: error });
  }
  if (!Array.isArray(parsed.modelTopology?.node)) {
    throw new SynganError(`${file}: not a TensorFlow.js graph model (modelTopology.node is missing)`,
      { hint: 'convert the model with tensorflowjs_converter --output_format=tfjs_graph_model; a layers model cannot be used here' });
  }
  for (const group of parsed.weightsManifest ?? []) {
    for (const shard of group.paths) {
      if (!fs.existsSync(path.join(path.dirname(file), shard))) {
        throw new SynganError(`${file}: weight file ${shard} not found next to model.json`, { hint: 'copy every weight shard listed in weightsManifest into the same folder' });
      }
    }
  }
  return parsed;
}

/** SHA-256 of model.json and its weight shards, so the extractor name changes with the weights. */
function hashGraphModel(file: string, json: GraphModelJson): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(file));
  for (const group of json.weightsManifest ?? []) {
    for (const shard of group.paths) hash.update(fs.readFileSync(path.join(path.dirname(file), shard)));
  }
  return hash.digest('hex');
}

/** Square input side from the first Placeholder's shape, when it is fixed. */
function placeholderSize(json: GraphModelJson): number | undefined {
  const placeholder = json.modelTopology?.node?.find((node) => node.op === 'Placeholder');
  const dims = (placeholder?.attr?.shape as { shape?: { dim?: Array<{ size?: string | number }> } } | undefined)?.shape?.dim;
  if (!dims || dims.length !== 4) return undefined;
  const height = Number(dims[1].size);
  const width = Number(dims[2].size);
  return height > 0 && height === width ? height : undefined;
}

function stripOutputIndex(name: string): string {
  return name.replace(/:\d+$/, '');
}

/**
 * A TensorFlow.js graph model (an Inception-v3 or any network of that format) as a feature
 * extractor. Images [n, h, w, 1 or 3] in [-1, 1] are resized bilinearly to inputSize × inputSize
 * with half-pixel centres, as TF2's `tf.image.resize` and PyTorch's `align_corners=False` do.
 * Grey images are repeated into three channels, and pixels are rescaled to the model's input range.
 */
export class GraphModelExtractor implements FeatureExtractor {
  readonly note = INCEPTION_NOTE;
  readonly inputShape = null;
  featureDim = 0;
  numClasses = 0;

  constructor(
    readonly model: GraphModel,
    readonly name: string,
    readonly inputRange: GraphModelInputRange,
    readonly inputSize: number,
    readonly featuresNode: string,
    readonly logitsNode: string,
    readonly batchSize: number,
  ) {}

  /** Converts images in [-1, 1] to the model input: resized, three channels, rescaled. */
  preprocess(images: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const channels = images.shape[3];
      if (channels !== 1 && channels !== 3) {
        throw new SynganError(`${this.name} takes images with 1 or 3 channels, got shape [${images.shape.join(', ')}]`,
          { hint: 'convert the images to grey or RGB first' });
      }
      let x: Tensor4D = images.toFloat();
      if (x.shape[1] !== this.inputSize || x.shape[2] !== this.inputSize) {
        x = tf.image.resizeBilinear(x, [this.inputSize, this.inputSize], false, true);
      }
      if (channels === 1) x = tf.tile(x, [1, 1, 1, 3]);
      if (this.inputRange === '[0,1]') return x.add(1).div(2) as Tensor4D;
      if (this.inputRange === '[0,255]') return x.add(1).mul(127.5) as Tensor4D;
      return x;
    });
  }

  /** Runs one batch and returns features [n, featureDim] and logits [n, numClasses]. */
  run(images: Tensor4D): [Tensor, Tensor] {
    return tf.tidy(() => {
      const input = this.preprocess(images);
      const [features, logits] = this.model.execute(input, [this.featuresNode, this.logitsNode]) as Tensor[];
      const n = images.shape[0];
      return [features.reshape([n, features.size / n]), logits.reshape([n, logits.size / n])];
    });
  }

  /** Computes the feature-node output of images [n, h, w, c] in [-1, 1], one row per image. */
  features(images: Tensor4D): FeatureMatrix {
    return mapInBatches(images, this.batchSize, (batch) => {
      const [features, logits] = this.run(batch);
      logits.dispose();
      return features;
    });
  }

  /** Computes the softmax of the logits-node output of images [n, h, w, c] in [-1, 1]. */
  probabilities(images: Tensor4D): FeatureMatrix {
    return mapInBatches(images, this.batchSize, (batch) => {
      const [features, logits] = this.run(batch);
      features.dispose();
      return tf.softmax(logits);
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads a TensorFlow.js graph model from disk as a feature extractor, checks that the output
 * nodes exist, and runs one blank image to learn the feature and class counts. The extractor
 * name contains a hash of the weights and of every setting that changes the features.
 */
export async function loadGraphModelExtractor(options: GraphModelExtractorOptions): Promise<GraphModelExtractor> {
  const file = resolveModelJson(options.modelPath);
  const json = readGraphModelJson(file);
  const inputRange = options.inputRange ?? '[-1,1]';
  if (!GRAPH_MODEL_INPUT_RANGES.includes(inputRange)) {
    throw new SynganError(`invalid input range "${inputRange}"`, { hint: `use one of ${GRAPH_MODEL_INPUT_RANGES.join(', ')}` });
  }
  const inputSize = options.inputSize ?? placeholderSize(json) ?? 299;
  if (!Number.isInteger(inputSize) || inputSize < 1) {
    throw new SynganError(`invalid input size ${inputSize}`, { hint: 'the input size is the side of the square model input in pixels, for example 299' });
  }
  const featuresNode = options.featuresNode ?? DEFAULT_FEATURES_NODE;
  const logitsNode = options.logitsNode ?? DEFAULT_LOGITS_NODE;

  const model = await tf.loadGraphModel(`file://${file}`);
  const nodeNames = new Set(json.modelTopology!.node!.map((node) => node.name));
  const missing = [featuresNode, logitsNode].filter((name) => !nodeNames.has(stripOutputIndex(name)));
  if (missing.length > 0) {
    model.dispose();
    throw new SynganError(
      `${file}: output node${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(' and ')} not found; ` +
      `the model's output nodes are ${model.outputNodes.map((name) => `"${name}"`).join(', ')}`,
      { hint: 'pass featuresNode (the pooled feature vector) and logitsNode (the class logits); any node name listed in model.json can be used' },
    );
  }

  const weightsHash = hashGraphModel(file, json);
  const settings = JSON.stringify({ weightsHash, inputRange, inputSize, featuresNode, logitsNode });
  const name = `${options.namePrefix ?? 'inception-v3'}:${createHash('sha256').update(settings).digest('hex').slice(0, 12)}`;
  const extractor = new GraphModelExtractor(model, name, inputRange, inputSize, featuresNode, logitsNode, options.batchSize ?? 50);

  const probe = tf.zeros([1, inputSize, inputSize, 3]) as Tensor4D;
  try {
    const [features, logits] = extractor.run(probe);
    extractor.featureDim = features.shape[1]!;
    extractor.numClasses = logits.shape[1]!;
    features.dispose();
    logits.dispose();
  } catch (error) {
    model.dispose();
    if (error instanceof SynganError) throw error;
    throw new SynganError(`${file}: running the graph model failed: ${(error as Error).message}`,
      { hint: 'check that the model takes one image tensor [n, size, size, 3] and that inputSize matches it', cause: error });
  } finally {
    probe.dispose();
  }
  return extractor;
}
