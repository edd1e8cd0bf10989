import fs from 'node:fs';
import path from 'node:path';

import type { Variable } from '@tensorflow/tfjs';

import { tf } from '../core/backend';
import { SynganError } from '../core/errors';
import { sha256, writeDirAtomic, writeJsonAtomic } from '../core/files';

/** Version of the checkpoint layout; a reader rejects other versions. */
export const CHECKPOINT_FORMAT = 'syngan-checkpoint/1';

/** Description of one checkpoint, stored as `checkpoint.json` beside `tensors.bin`. */
export interface CheckpointIndex {
  format: typeof CHECKPOINT_FORMAT;
  /** Training steps completed; the next step to run has this index (it is also the RNG position). */
  step: number;
  /** Training wall time before this checkpoint, summed over every session of the run. */
  elapsedMs: number;
  /** Update counts of the generator and discriminator optimizers. */
  optimizerIterations: { generator: number; discriminator: number };
  /** Float32 tensors in `tensors.bin`, in order; offsets and lengths in elements. */
  tensors: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  /** SHA-256 of `tensors.bin`, checked on load. */
  tensorsSha256: string;
  /** Anything else the caller keeps (the history so far). */
  extra: Record<string, unknown>;
}

/** A checkpoint read back: its index and its tensors' values by name. */
export interface LoadedCheckpoint {
  dir: string;
  index: CheckpointIndex;
  values: Map<string, Float32Array>;
}

const STEP_DIR = /^step-(\d+)$/;

/** Folder of the checkpoint after `step` steps: `<checkpointsDir>/step-0000100`. */
export function checkpointDir(checkpointsDir: string, step: number): string {
  return path.join(checkpointsDir, `step-${String(step).padStart(7, '0')}`);
}

/**
 * Writes the variables' values and `index` fields as a new checkpoint folder, atomically (a
 * temporary folder renamed into place), then points `latest.json` at it and deletes older
 * checkpoint folders. A crash at any moment leaves at least one complete checkpoint.
 */
export async function saveCheckpoint(checkpointsDir: string, variables: Map<string, Variable>,
  index: Omit<CheckpointIndex, 'format' | 'tensors' | 'tensorsSha256'>): Promise<string> {
  const entries: CheckpointIndex['tensors'] = [];
  let offset = 0;
  for (const [name, variable] of variables) {
    entries.push({ name, shape: variable.shape, offset, length: variable.size });
    offset += variable.size;
  }
  const data = new Float32Array(offset);
  for (const [i, variable] of [...variables.values()].entries()) data.set(variable.dataSync() as Float32Array, entries[i].offset);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

  const dir = checkpointDir(checkpointsDir, index.step);
  const full: CheckpointIndex = { format: CHECKPOINT_FORMAT, ...index, tensors: entries, tensorsSha256: sha256(bytes) };
  fs.mkdirSync(checkpointsDir, { recursive: true });
  await writeDirAtomic(dir, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'tensors.bin'), bytes);
    fs.writeFileSync(path.join(tmp, 'checkpoint.json'), `${JSON.stringify(full)}\n`);
  });
  writeJsonAtomic(path.join(checkpointsDir, 'latest.json'), { step: index.step, dir: path.basename(dir) });

  for (const name of fs.readdirSync(checkpointsDir)) {
    if (STEP_DIR.test(name) && name !== path.basename(dir)) fs.rmSync(path.join(checkpointsDir, name), { recursive: true, force: true });
  }
  return dir;
}

/** Reads one checkpoint folder, checking its format and checksum. */
export function readCheckpoint(dir: string): LoadedCheckpoint {
  const indexFile = path.join(dir, 'checkpoint.json');
  let index: CheckpointIndex;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as CheckpointIndex;
  } catch (error) {
    throw new SynganError(`${indexFile}: unreadable checkpoint index (${(error as Error).message})`,
      { hint: 'delete the checkpoint folder to retrain from the previous one, or retrain with force', cause: error });
  }
  if (index.format !== CHECKPOINT_FORMAT) {
    throw new SynganError(`${indexFile}: checkpoint format "${index.format}" is not ${CHECKPOINT_FORMAT}`,
      { hint: 'this checkpoint was written by another syngan version; retrain with force' });
  }
  const bytes = fs.readFileSync(path.join(dir, 'tensors.bin'));
  if (sha256(bytes) !== index.tensorsSha256) {
    throw new SynganError(`${path.join(dir, 'tensors.bin')}: checksum mismatch, the checkpoint is damaged`,
      { hint: 'delete the checkpoint folder and retrain (force)' });
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const values = new Map<string, Float32Array>();
  for (const entry of index.tensors) values.set(entry.name, all.subarray(entry.offset, entry.offset + entry.length));
  return { dir, index, values };
}

/** Finds the newest complete checkpoint under `checkpointsDir`; undefined when there is none. */
export function findLatestCheckpoint(checkpointsDir: string): string | undefined {
  if (!fs.existsSync(checkpointsDir)) return undefined;
  const latestFile = path.join(checkpointsDir, 'latest.json');
  if (fs.existsSync(latestFile)) {
    const latest = JSON.parse(fs.readFileSync(latestFile, 'utf8')) as { dir: string };
    const dir = path.join(checkpointsDir, latest.dir);
    if (fs.existsSync(path.join(dir, 'checkpoint.json'))) return dir;
  }
  const steps = fs.readdirSync(checkpointsDir).filter((name) => STEP_DIR.test(name)).sort();
  return steps.length > 0 ? path.join(checkpointsDir, steps[steps.length - 1]) : undefined;
}

/**
 * Assigns a checkpoint's values to `variables`; throws when a name is missing or a shape
 * differs, so a checkpoint of another model is never loaded half-way. Unless `partial` is set,
 * the checkpoint must also hold no other tensors.
 */
export function restoreVariables(checkpoint: LoadedCheckpoint, variables: Map<string, Variable>, partial = false): void {
  const byName = new Map(checkpoint.index.tensors.map((entry) => [entry.name, entry]));
  const wrong = (detail: string): SynganError => new SynganError(`${checkpoint.dir}: checkpoint does not match the model (${detail})`,
    { hint: 'the run folder holds a checkpoint of another configuration or code version; retrain with force' });
  if (!partial && byName.size !== variables.size) throw wrong(`${byName.size} tensors for ${variables.size} variables`);
  for (const [name, variable] of variables) {
    const entry = byName.get(name);
    if (!entry) throw wrong(`no tensor ${name}`);
    if (entry.shape.join('x') !== variable.shape.join('x')) throw wrong(`${name} is ${entry.shape.join('×')}, expected ${variable.shape.join('×')}`);
  }
  for (const [name, variable] of variables) {
    tf.tidy(() => variable.assign(tf.tensor(checkpoint.values.get(name)!, variable.shape, 'float32')));
  }
}
