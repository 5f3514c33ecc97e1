import path from 'node:path';

/** The repository root, from tools/src or tools/dist alike. */
export const ROOT = path.resolve(__dirname, '..', '..');

export const SERVICE_ENTRY = {
  patient: path.join(ROOT, 'subgraphs', 'patient', 'dist', 'index.js'),
  medication: path.join(ROOT, 'subgraphs', 'medication', 'dist', 'index.js'),
  notes: path.join(ROOT, 'subgraphs', 'notes', 'dist', 'index.js'),
  audit: path.join(ROOT, 'subgraphs', 'audit', 'dist', 'index.js'),
  gateway: path.join(ROOT, 'gateway', 'dist', 'index.js'),
} as const;

export const SEED_ENTRY = path.join(ROOT, 'tools', 'dist', 'seed.js');
