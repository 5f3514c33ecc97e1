export * from './classification.js';
export * from './middleware.js';
export * from './deid.js';
export * from './suppression.js';
export * from './k-anonymity.js';
export * from './analyst-fields.js';
