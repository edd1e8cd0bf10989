// Public API of syngan, for notebooks (`import * as sg from "../dist/src"`) and other programs.
export * from './core';
export * from './data';
export * from './pipeline';
