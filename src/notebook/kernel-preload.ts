// Loaded into the tslab kernel process with `node --require` by TslabKernel. The runner keeps a
// pipe open on the kernel's stdin, and the pipe closes when the runner exits for any reason,
// even on a signal that skips exit handlers. This script then ends the kernel, so no orphaned
// kernel keeps running a notebook.

process.stdin.on('end', () => process.exit(129));
process.stdin.on('error', () => process.exit(129));
process.stdin.resume();
// The pipe alone must not keep the kernel alive after tslab closes its sockets on shutdown.
(process.stdin as unknown as { unref?: () => void }).unref?.();
