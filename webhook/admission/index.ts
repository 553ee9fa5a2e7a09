export * from './review.js';
export * from './response.js';
export * from './route.js';
export * from './handler.js';
export * from './metrics.js';
