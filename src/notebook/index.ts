// Headless execution of .ipynb notebooks through the tslab kernel over the Jupyter protocol.
export * from './types';
export { readNotebook, writeNotebook, parseNotebook, serializeNotebook, newCellId, splitLines } from './notebook-file';
export { findNbformatProblems } from './validate';
export { executeNotebook } from './execute';
export type { CellStatus, CellResult, FailedCell, ExecuteOptions, ExecuteResult } from './execute';
export { injectParameters, toTypeScriptLiteral, PARAMETERS_TAG, INJECTED_PARAMETERS_TAG } from './parameters';
export { DEFAULT_OUTPUT_LIMITS, OutputRecorder, DisplayRegistry, applyCarriageReturns, limitBundle, truncateUtf8 } from './outputs';
export type { OutputLimits } from './outputs';
export { recoverTslabError } from './tslab-error';
export type { RecoveredError } from './tslab-error';
export { TslabKernel, tslabBinPath } from './kernel';
export type { KernelExit, KernelStartOptions, Channel } from './kernel';
