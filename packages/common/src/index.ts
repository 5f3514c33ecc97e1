import 'reflect-metadata';

export * from './config.js';
export * from './database.js';
export * from './errors.js';
export * from './http.js';
export * from './ids.js';
export * from './logger.js';
export * from './main.js';
export * from './metrics.js';
export * from './request-metrics.js';
export * from './subgraph-server.js';
export * from './schema-file.js';
export * from './transformers.js';
export * from './batch.js';
export * from './subgraph.js';
export * from './subgraph-main.js';
