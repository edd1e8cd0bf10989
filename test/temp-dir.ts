import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Creates an empty folder `syngan-<prefix>-XXXXXX` under the system temp folder, removed when the test process exits. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syngan-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
