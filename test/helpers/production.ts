import path from 'node:path';
import { devKeyPair, loadDeidKey, loadIngestKey, loadStateKey } from '@ehr/common';
import { loadCheckpointKey } from '@ehr/subgraph-audit';

/** The issuer production-mode stacks trust (anything but the development issuer). */
export const PRODUCTION_ISSUER = 'https://idp.test.example';

/**
 * The settings production requires, with keys made under DATA_DIR/keys (as an operator would
 * provision them): a stack started with these runs as NODE_ENV=production, every key named.
 */
export async function productionEnv(dataDir: string): Promise<Record<string, string>> {
  const internal = await devKeyPair(dataDir, 'internal');
  const issuer = await devKeyPair(dataDir, 'dev-issuer');
  loadDeidKey(undefined, dataDir);
  loadIngestKey(undefined, dataDir);
  loadStateKey(undefined, dataDir);
  loadCheckpointKey(undefined, dataDir);
  const key = (name: string) => path.join(dataDir, 'keys', name);
  return {
    NODE_ENV: 'production',
    INTERNAL_PUBLIC_KEY_FILE: internal.publicFile,
    INTERNAL_PRIVATE_KEY_FILE: internal.privateFile,
    AUTH_PUBLIC_KEY_FILE: issuer.publicFile,
    AUTH_ISSUER: PRODUCTION_ISSUER,
    DEID_KEY_FILE: key('deid.key'),
    AUDIT_INGEST_KEY_FILE: key('audit-ingest.key'),
    AUDIT_STATE_KEY_FILE: key('audit-state.key'),
    AUDIT_CHECKPOINT_KEY_FILE: key('audit-checkpoint.private.pem'),
    KEY_PROVIDER_FILE_IN_PRODUCTION: 'allow',
  };
}
