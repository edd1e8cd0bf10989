export * from './types';
export * from './architectures';
export * from './batches';
export * from './train-classifier';
export * from './classifier';
export * from './inception';
export * from './registry';
