export * from './headers.js';
export * from './envNames.js';
export * from './labels.js';
export * from './toolhive.js';
export * from './routes.js';
export * from './sidecar.js';
export * from './stableJson.js';
export * from './hostBinding.js';
