import { SynganError } from '../../core/errors';
import type { DatasetSpec } from '../../data/spec';
import { type ClassifierDatasets, type GetDomainClassifierOptions, getDomainClassifier } from './classifier';
import { type GraphModelExtractorOptions, loadGraphModelExtractor } from './inception';
import type { FeatureExtractor } from './types';

/** Kinds of feature extractor syngan can build. */
export const EXTRACTOR_KINDS = ['domain-classifier', 'inception-v3'] as const;

export type ExtractorKind = (typeof EXTRACTOR_KINDS)[number];

/** Request for `createExtractor`: the dataset for a domain classifier, the model path for Inception-v3. */
export interface ExtractorRequest {
  kind: string;
  /** Dataset the domain classifier is trained on. */
  dataset?: string | DatasetSpec | ClassifierDatasets;
  classifier?: GetDomainClassifierOptions;
  /** Graph model settings; `modelPath` is required for `inception-v3`. */
  graphModel?: Partial<GraphModelExtractorOptions>;
}

/** Checks an extractor kind given as text, for example from a command-line flag. */
export function parseExtractorKind(kind: string): ExtractorKind {
  if ((EXTRACTOR_KINDS as readonly string[]).includes(kind)) return kind as ExtractorKind;
  throw new SynganError(`unknown extractor "${kind}"`, { hint: `use one of ${EXTRACTOR_KINDS.join(', ')}` });
}

/**
 * Builds the feature extractor of a request: the cached (or newly trained) domain classifier of
 * `dataset`, or the graph model at `graphModel.modelPath`.
 */
export async function createExtractor(request: ExtractorRequest): Promise<FeatureExtractor> {
  const kind = parseExtractorKind(request.kind);
  if (kind === 'domain-classifier') {
    if (request.dataset === undefined) {
      throw new SynganError('the domain-classifier extractor needs a dataset', { hint: 'pass the dataset name, for example mnist or fashion-mnist' });
    }
    return getDomainClassifier(request.dataset, request.classifier);
  }
  const modelPath = request.graphModel?.modelPath;
  if (!modelPath) {
    throw new SynganError('the inception-v3 extractor needs the path of a TensorFlow.js graph model',
      { hint: 'pass graphModel.modelPath: the model.json of Inception-v3 converted with tensorflowjs_converter, or its folder' });
  }
  return loadGraphModelExtractor({ ...request.graphModel, modelPath });
}
