export * from './ema';
export * from './gan-trainer';
export * from './gradients';
export * from './losses';
export * from './optimizers';
export * from './checkpoint';
export * from './history';
export * from './loop';
