// Times the notebook runner's fixed costs: tslab kernel start and stop, and the round trip of a
// trivial cell (tslab type-checks and compiles every cell, which dominates small cells).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TslabKernel, executeNotebook, writeNotebook } from '../src/notebook';
import type { Notebook } from '../src/notebook';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Returns the medians in milliseconds of kernel start, kernel stop and a trivial cell. */
export async function benchNotebook(): Promise<Record<string, number>> {
  const startMs: number[] = [];
  const stopMs: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const before = Date.now();
    const kernel = await TslabKernel.start({ cwd: os.tmpdir(), env: process.env, language: 'typescript', startTimeoutMs: 120_000 });
    startMs.push(Date.now() - before);
    const beforeStop = Date.now();
    await kernel.close();
    stopMs.push(Date.now() - beforeStop);
  }

  const cellCount = 20;
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: Array.from({ length: cellCount }, (_, index) => ({
      id: `cell-${index}`,
      cell_type: 'code' as const,
      metadata: {},
      source: `const value${index} = ${index} * 2;\nconsole.log(value${index});`,
      execution_count: null,
      outputs: [],
    })),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-notebook-'));
  try {
    const file = path.join(dir, 'cells.ipynb');
    writeNotebook(file, nb);
    const result = await executeNotebook(file);
    if (!result.ok) throw new Error(`benchmark notebook failed: ${result.failedCell?.evalue}`);
    return {
      kernelStartMedianMs: median(startMs),
      kernelStopMedianMs: median(stopMs),
      trivialCellMedianMs: median(result.cells.map((cell) => cell.elapsedMs)),
      notebookOf20CellsMs: result.elapsedMs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchNotebook().then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
