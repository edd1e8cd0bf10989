export * from './dataset-report';
export * from './profiles';
export * from './results';
export * from './figures';
export * from './evaluate-run';
export * from './runs';
export * from './downstream';
