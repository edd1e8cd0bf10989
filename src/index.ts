// Public API of syngan, for notebooks (`import * as sg from "../dist/src"`) and other programs.
export * from './core';
export * from './data';
export * from './models';
export * from './training';
export * from './experiments';
export * from './metrics';
export * from './metrics/extractors';
export * from './metrics/features-cache';
export * from './evaluation';
export * from './pipeline';
