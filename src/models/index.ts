export * from './conv-networks';
export * from './layers';
export * from './network';
export * from './parameters';
export * from './reference-dcgan';
export * from './registry';
export * from './random-ops';
export * from './native-batch-norm';
