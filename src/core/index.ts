export * from './backend';
export * from './errors';
export * from './files';
export * from './progress';
export * from './random';
export * from './environment';
export * from './notebook-display';
