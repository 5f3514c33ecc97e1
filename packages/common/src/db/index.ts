export * from './database.js';
export * from './transformers.js';
export * from './batch.js';
export * from './ids.js';
