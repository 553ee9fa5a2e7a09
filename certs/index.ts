export * from './x509.js';
