export * from './x509.js';
export * from './serving.js';
export * from './tlsSecret.js';
