// Loaded into the tslab kernel process with `node --require` by TslabKernel. The runner keeps a
// pipe open on the kernel's stdin, and the pipe closes when the runner exits for any reason,
// even on a signal that skips exit handlers. This script then removes the connection file the
// runner could not remove and ends the kernel, so no orphaned kernel keeps running a notebook.
import fs from 'node:fs';
import path from 'node:path';

/** Removes the runner's private connection folder (named syngan-kernel-*) given by --config-path. */
function removeConnectionFolder(): void {
  const flagIndex = process.argv.indexOf('--config-path');
  const file = flagIndex >= 0 ? process.argv[flagIndex + 1] : undefined;
  if (!file || path.basename(file) !== 'connection.json') return;
  const folder = path.dirname(file);
  if (!path.basename(folder).startsWith('syngan-kernel-')) return;
  try {
    fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    // The kernel is ending anyway; a leftover folder in the temp directory is harmless.
  }
}

function exitWithRunner(): void {
  removeConnectionFolder();
  process.exit(129);
}

process.stdin.on('end', exitWithRunner);
process.stdin.on('error', exitWithRunner);
process.stdin.resume();
// The pipe alone must not keep the kernel alive after tslab closes its sockets on shutdown.
(process.stdin as unknown as { unref?: () => void }).unref?.();
