export * from './catalogue.js';
export * from './mask.js';
