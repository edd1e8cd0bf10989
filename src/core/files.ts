import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

let tempCounter = 0;

function tempPathFor(target: string): string {
  tempCounter += 1;
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${tempCounter}`);
}

/**
 * Writes `data` to `file` atomically: the bytes go to a temporary file in the same folder, which
 * is flushed and then renamed over the target, so readers see either the old or the new file.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

/** Writes `value` as indented JSON, atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fills a new folder through `fill` and renames it to `dir` when `fill` returns, so an
 * interrupted write never leaves a half-written folder at `dir`. Returns `dir`.
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void> | void): Promise<string> {
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const tmp = tempPathFor(path.resolve(dir));
  fs.mkdirSync(tmp);
  try {
    await fill(tmp);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

/** SHA-256 of bytes, as lowercase hex. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a file's bytes, as lowercase hex, read in chunks. */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let bytesRead: number;
    while ((bytesRead = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) {
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** Folder of the syngan checkout (the one containing package.json), found from this file. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
