export * from './catalogue.js';
export * from './mask.js';
export * from './values.js';
