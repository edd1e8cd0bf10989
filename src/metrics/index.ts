// Metric formulas over feature matrices. Feature extraction and caching live in ./extractors.
export * from './arithmetic';
export * from './cli-core';
export * from './compute';
export * from './feature-matrix';
export * from './fid';
export * from './inception-score';
export * from './inner-products';
export * from './kid';
export * from './memorisation';
export * from './pairwise-pass';
export * from './prdc';
