export * from './config';
export * from './generate';
export * from './generator';
export * from './hash';
export * from './run-store';
