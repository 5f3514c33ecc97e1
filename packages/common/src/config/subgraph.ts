import { z } from 'zod';
import { basePart, type ServiceConfig } from './base.js';
import { configPart, httpUrl, loadParts } from './load.js';
import { defaultGraphqlUrl, type SubgraphName } from './services.js';

/** What every subgraph reads besides the base: keys it shares with the gateway and its peers. */
export interface SubgraphSettings {
  /** Verifies the gateway's internal tokens; unset in development means the DATA_DIR/keys pair. */
  internalPublicKeyFile: string | undefined;
  /** The subgraph that answers care-team questions for the others. */
  patientUrl: string;
  /** The de-identification key (pseudonyms); unset in development means DATA_DIR/keys/deid.key. */
  deidKeyFile: string | undefined;
  /** ZIP3 prefixes reported as 000; unset means the HHS 2000 Census list. */
  restrictedZip3: string[] | undefined;
  /** Signs audit batches (data subgraphs) and checks them (the recorder). */
  auditIngestKeyFile: string | undefined;
  /** Where data subgraphs send their access records. */
  auditUrl: string;
}

export type SubgraphConfig = ServiceConfig & SubgraphSettings;

const devKeysRefused = (key: string) => `${key} is required in production (development keys are refused)`;

export const subgraphPart = configPart(
  z.object({
    INTERNAL_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    PATIENT_URL: httpUrl.default(defaultGraphqlUrl('patient')),
    DEID_KEY_FILE: z.string().min(1).optional(),
    DEID_RESTRICTED_ZIP3: z
      .string()
      .regex(/^\d{3}(,\d{3})*$/, 'must be comma-separated three-digit ZIP prefixes')
      .optional(),
    AUDIT_INGEST_KEY_FILE: z.string().min(1).optional(),
    AUDIT_URL: httpUrl.default(defaultGraphqlUrl('audit')),
  }),
  (e): SubgraphSettings => ({
    internalPublicKeyFile: e.INTERNAL_PUBLIC_KEY_FILE,
    patientUrl: e.PATIENT_URL,
    deidKeyFile: e.DEID_KEY_FILE,
    restrictedZip3: e.DEID_RESTRICTED_ZIP3?.split(','),
    auditIngestKeyFile: e.AUDIT_INGEST_KEY_FILE,
    auditUrl: e.AUDIT_URL,
  }),
  (s) => [
    ...(s.internalPublicKeyFile ? [] : [devKeysRefused('INTERNAL_PUBLIC_KEY_FILE')]),
    ...(s.deidKeyFile ? [] : [devKeysRefused('DEID_KEY_FILE')]),
    ...(s.auditIngestKeyFile ? [] : ['AUDIT_INGEST_KEY_FILE is required in production']),
  ],
);

/** A subgraph with nothing of its own to configure: the base and the subgraph slice. */
export function loadSubgraphConfig(service: SubgraphName, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  return loadParts(env, basePart(service), subgraphPart);
}
