export * from './vocabulary.js';
export * from './policy.js';
