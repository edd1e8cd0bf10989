import { sha256 } from '../core/files';
import { TRAINING_CODE_VERSION, TrainConfig } from './config';

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values give equal
 * text whatever the key order. Arrays keep their order; undefined fields are dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** SHA-256 (hex) of the canonical JSON of a fully defaulted config and the training code version. */
export function configHash(config: TrainConfig): string {
  return sha256(canonicalJson({ config, trainingCodeVersion: TRAINING_CODE_VERSION }));
}

/** Run id: `<name>-<first 12 hex digits of the config hash>`. */
export function runId(config: TrainConfig): string {
  return `${config.name}-${configHash(config).slice(0, 12)}`;
}
