import { z } from 'zod';
import { auditShipIntervalMs } from './audit-delivery.js';
import { SMALL_CELL_MAX } from '../phi/suppression.js';
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
  /** The analyst's row-level release (patient subgraph): k, the suppression limit, how long one is reused. */
  deidRelease: { k: number; maxSuppression: number; ttlMs: number };
  /** Signs audit batches (data subgraphs) and checks them (the recorder). */
  auditIngestKeyFile: string | undefined;
  /** Where data subgraphs send their access records. */
  auditUrl: string;
  /** Journal shipping interval (AUDIT_SHIP_INTERVAL_MS; 0: each response waits for the commit). */
  auditShipIntervalMs: number;
  /** Where the master key that wraps the data keys lives (see crypto/key-source.ts). */
  keys: KeySettings;
}

export interface KeySettings {
  provider: 'file' | 'pkcs11';
  /** The wrapped data keys; unset means DATA_DIR/keys/keyring.json. */
  keyringFile: string | undefined;
  /** The file provider's master key; unset means DATA_DIR/keys/master.key. */
  masterKeyFile: string | undefined;
  pkcs11: { module: string | undefined; tokenLabel: string | undefined; pinFile: string | undefined; keyLabel: string };
  /** Production refuses the file provider unless this is set (KEY_PROVIDER_FILE_IN_PRODUCTION=allow). */
  allowFileInProduction: boolean;
}

export type SubgraphConfig = ServiceConfig & SubgraphSettings;

/** The development default: a file master key and keyring under DATA_DIR/keys. */
export const DEV_KEYS: KeySettings = {
  provider: 'file',
  keyringFile: undefined,
  masterKeyFile: undefined,
  pkcs11: { module: undefined, tokenLabel: undefined, pinFile: undefined, keyLabel: 'ehr-master' },
  allowFileInProduction: false,
};

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
    // At least the small-cell threshold + 1: rows in classes smaller than that would recount cells the aggregates withhold.
    DEID_K: z.coerce
      .number()
      .int()
      .min(SMALL_CELL_MAX + 1)
      .max(1000)
      .default(11),
    DEID_MAX_SUPPRESSION: z.coerce.number().min(0).max(1).default(0.05),
    DEID_RELEASE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    AUDIT_INGEST_KEY_FILE: z.string().min(1).optional(),
    AUDIT_URL: httpUrl.default(defaultGraphqlUrl('audit')),
    AUDIT_SHIP_INTERVAL_MS: auditShipIntervalMs,
    KEY_PROVIDER: z.enum(['file', 'pkcs11']).default('file'),
    KEYRING_FILE: z.string().min(1).optional(),
    MASTER_KEY_FILE: z.string().min(1).optional(),
    PKCS11_MODULE: z.string().min(1).optional(),
    PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
    PKCS11_PIN_FILE: z.string().min(1).optional(),
    PKCS11_KEY_LABEL: z.string().min(1).max(64).default('ehr-master'),
    KEY_PROVIDER_FILE_IN_PRODUCTION: z.enum(['allow']).optional(),
  }),
  (e): SubgraphSettings => ({
    internalPublicKeyFile: e.INTERNAL_PUBLIC_KEY_FILE,
    patientUrl: e.PATIENT_URL,
    deidKeyFile: e.DEID_KEY_FILE,
    restrictedZip3: e.DEID_RESTRICTED_ZIP3?.split(','),
    deidRelease: { k: e.DEID_K, maxSuppression: e.DEID_MAX_SUPPRESSION, ttlMs: e.DEID_RELEASE_TTL_MS },
    auditIngestKeyFile: e.AUDIT_INGEST_KEY_FILE,
    auditUrl: e.AUDIT_URL,
    auditShipIntervalMs: e.AUDIT_SHIP_INTERVAL_MS,
    keys: {
      provider: e.KEY_PROVIDER,
      keyringFile: e.KEYRING_FILE,
      masterKeyFile: e.MASTER_KEY_FILE,
      pkcs11: {
        module: e.PKCS11_MODULE,
        tokenLabel: e.PKCS11_TOKEN_LABEL,
        pinFile: e.PKCS11_PIN_FILE,
        keyLabel: e.PKCS11_KEY_LABEL,
      },
      allowFileInProduction: e.KEY_PROVIDER_FILE_IN_PRODUCTION === 'allow',
    },
  }),
  (s) => [
    ...(s.internalPublicKeyFile ? [] : [devKeysRefused('INTERNAL_PUBLIC_KEY_FILE')]),
    ...(s.deidKeyFile ? [] : [devKeysRefused('DEID_KEY_FILE')]),
    ...(s.auditIngestKeyFile ? [] : ['AUDIT_INGEST_KEY_FILE is required in production']),
    ...(s.keys.provider === 'file' && !s.keys.allowFileInProduction
      ? [
          'KEY_PROVIDER=file keeps the master key on disk: use KEY_PROVIDER=pkcs11 in production, or set KEY_PROVIDER_FILE_IN_PRODUCTION=allow',
        ]
      : []),
    ...(s.keys.provider === 'pkcs11' && !(s.keys.pkcs11.module && s.keys.pkcs11.tokenLabel && s.keys.pkcs11.pinFile)
      ? ['KEY_PROVIDER=pkcs11 needs PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE']
      : []),
  ],
);

/** A subgraph with nothing of its own to configure: the base and the subgraph slice. */
export function loadSubgraphConfig(service: SubgraphName, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  return loadParts(env, basePart(service), subgraphPart);
}
