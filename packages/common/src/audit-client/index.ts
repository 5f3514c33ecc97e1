export * from './collector.js';
export * from './plugin.js';
export * from './record.js';
export * from './shipper.js';
export * from './state-seal.js';
export * from './quarantine.js';
export * from './placement.js';
export * from './response-walk.js';
