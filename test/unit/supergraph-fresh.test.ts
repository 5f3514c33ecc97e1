import fs from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '@ehr/gateway';

describe('the committed supergraph', () => {
  const result = composeSupergraph();

  it('composes from the subgraph schemas without errors', () => {
    expect('errors' in result ? result.errors : []).toEqual([]);
  });

  it('is what composition produces now (run `npm run compose` when this fails)', () => {
    const committed = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
    expect('supergraphSdl' in result && result.supergraphSdl === committed).toBe(true);
  });

  it('exposes the contract fields across all subgraphs', () => {
    const sdl = 'supergraphSdl' in result ? result.supergraphSdl : '';
    for (const field of [
      'medications: [MedicationRequest!]!',
      'notes: [ClinicalNote!]!',
      'patients(first: Int, after: String): PatientConnection!',
      'auditEvents(',
    ]) {
      expect(sdl).toContain(field);
    }
  });
});
