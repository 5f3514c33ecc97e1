export * from './atomic-file.js';
export * from './serial.js';
