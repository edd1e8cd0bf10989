export * from './labelling';
export * from './train-on-synthetic';
