import { basePart, loadParts, stateKeyPart, subgraphPart, type SubgraphConfig } from '@ehr/common';

/** The notes subgraph seals the states of the notes it creates for the audit trail. */
export interface NotesConfig extends SubgraphConfig {
  /** Seals mutation states in the audit trail; unset in development means DATA_DIR/keys. */
  auditStateKeyFile: string | undefined;
}

export function loadNotesConfig(env: NodeJS.ProcessEnv = process.env): NotesConfig {
  return loadParts(env, basePart('notes'), subgraphPart, stateKeyPart);
}
