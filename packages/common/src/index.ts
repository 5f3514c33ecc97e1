import 'reflect-metadata';

export * from './config/index.js';
export * from './errors/index.js';
export * from './server/index.js';
export * from './security/index.js';
export * from './phi/index.js';
export * from './audit-client/index.js';
export * from './db/index.js';
export * from './crypto/index.js';
export * from './util/index.js';
