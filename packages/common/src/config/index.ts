export * from './services.js';
export * from './load.js';
export * from './base.js';
export * from './subgraph.js';
export * from './tls.js';
export * from './audit-delivery.js';
