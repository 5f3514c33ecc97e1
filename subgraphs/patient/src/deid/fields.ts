import type { ApolloServerPlugin } from '@apollo/server';
import type { DeidOverrides, ReleasedQuasi } from '@ehr/common';
import type { PatientContext } from '../context.js';

/** Marks an address object with the patient it belongs to, for the release lookup of its fields. */
export const PATIENT_OF = Symbol('patient of this address');

const releasedOf = async (patientId: unknown, ctx: unknown): Promise<ReleasedQuasi | undefined> =>
  typeof patientId === 'string' ? (await (ctx as PatientContext).release()).release.released.get(patientId) : undefined;

const fromRelease =
  (read: (q: ReleasedQuasi) => unknown, patientIdOf: (parent: unknown) => unknown) =>
  async (parent: unknown, ctx: unknown) => {
    const q = await releasedOf(patientIdOf(parent), ctx);
    return q ? read(q) : null;
  };

const patientId = (p: unknown) => (p as { id?: unknown }).id;
const addressPatient = (a: unknown) => (a as { [PATIENT_OF]?: unknown })[PATIENT_OF];

/**
 * For analysts, a patient's quasi-identifiers come from the k-anonymous release, never from the
 * row: the same generalisation for everyone, nothing for a suppressed patient. Every
 * quasi-identifier of Patient and Address the analyst schema shows must be here; the subgraph
 * refuses to start otherwise (middleware.ts, uncoveredQuasiIdentifiers).
 */
export const releaseOverrides: DeidOverrides = {
  'Patient.birthYear': fromRelease((q) => q.birthYear, patientId),
  'Patient.ageBand': fromRelease((q) => q.ageBand, patientId),
  'Patient.gender': fromRelease((q) => q.gender, patientId),
  // Nothing of the row's address: its state and ZIP3 are looked up in the release by the patient.
  'Patient.address': (parent) => ({ [PATIENT_OF]: patientId(parent) }),
  'Address.state': fromRelease((q) => q.state, addressPatient),
  'Address.zip3': fromRelease((q) => q.zip3, addressPatient),
};

/**
 * A de-identified response that read the release says how: k, the generalisation, how many
 * records were suppressed (`extensions.deidentification`; the gateway passes it on).
 */
export function deidentificationExtension(): ApolloServerPlugin<PatientContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const s = contextValue.releaseRead.snapshot;
          if (!s || !contextValue.identity.deidentified || response.body.kind !== 'single') return;
          const r = s.release;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            deidentification: {
              k: r.k,
              generalisation: r.generalisation,
              records: r.records,
              suppressedRecords: r.suppressed,
              computedAt: s.computedAt.toISOString(),
            },
          };
        },
      };
    },
  };
}
