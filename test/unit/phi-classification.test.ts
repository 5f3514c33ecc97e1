import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readPhiClasses, SUBGRAPHS, type PhiClass } from '@ehr/common';
import { isObjectType, parse } from 'graphql';

const schemaOf = (s: string) =>
  buildSubgraphSchema([
    { typeDefs: parse(fs.readFileSync(path.resolve(__dirname, `../../subgraphs/${s}/schema.graphql`), 'utf8')) },
  ]);

/** Every field a subgraph declares (federation's own _entities/_service excluded). */
function declared(s: string): string[] {
  const schema = schemaOf(s);
  return Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith('_'))
    .flatMap((t) =>
      Object.keys((t as { getFields(): object }).getFields())
        .filter((f) => !f.startsWith('_'))
        .map((f) => `${t.name}.${f}`),
    );
}

const classes = new Map<string, PhiClass>();
for (const s of SUBGRAPHS) for (const [k, v] of readPhiClasses(schemaOf(s)).classes) classes.set(k, v);

/**
 * HIPAA Safe Harbor's identifier kinds present in this model (45 CFR 164.514(b)(2)): each must be
 * classified as an identifier, direct or quasi, never as clinical or not-PHI.
 */
const SAFE_HARBOR: Record<string, string> = {
  'Patient.name': '1 names',
  'HumanName.given': '1 names',
  'HumanName.family': '1 names',
  'Practitioner.name': '1 names',
  'Address.line': '2 geographic subdivisions smaller than a state',
  'Address.city': '2 geographic subdivisions smaller than a state',
  'Address.postalCode': '2 ZIP codes',
  'Patient.birthDate': '3 dates',
  'MedicationRequest.authoredOn': '3 dates',
  'MedicationRequest.endDate': '3 dates',
  'ClinicalNote.authoredAt': '3 dates',
  'Period.start': '3 dates',
  'Period.end': '3 dates',
  'Patient.phone': '4 telephone numbers',
  'Patient.email': '6 email addresses',
  'Patient.ssn': '7 social security numbers',
  'Patient.mrn': '8 medical record numbers',
  'Coverage.memberId': '9 health plan beneficiary numbers',
  'Coverage.groupNumber': '10 account numbers',
  'Patient.id': '18 other unique identifying numbers (record ids)',
  'MedicationRequest.id': '18 record ids',
  'ClinicalNote.id': '18 record ids',
  'Coverage.id': '18 record ids',
  'Practitioner.id': '18 record ids',
  'Viewer.patientId': '18 record ids',
  'AuditEvent.patientId': '18 record ids',
  'BreakGlassGrant.patientId': '18 record ids',
};

describe('PHI classification', () => {
  it('classifies every field of every subgraph (a field that is not PHI says so)', () => {
    const unclassified = SUBGRAPHS.flatMap(declared).filter((f) => !classes.has(f));
    expect(unclassified).toEqual([]);
  });

  it('uses only known categories, masks and transforms', () => {
    for (const s of SUBGRAPHS) expect([s, readPhiClasses(schemaOf(s)).problems]).toEqual([s, []]);
  });

  it.each(Object.entries(SAFE_HARBOR))('classifies %s (Safe Harbor #%s) as an identifier', (field) => {
    expect(classes.get(field)?.category).toMatch(/^(DIRECT|QUASI)_IDENTIFIER$/);
  });

  it('lets a quasi-identifier into the analyst schema only generalised, or as Safe Harbor allows it', () => {
    // Allowed as they are: gender and state are not among the 18; the age band is already
    // generalised (90+); containers only hold generalised fields.
    const keptAsIs = new Set([
      'Patient.gender',
      'Address.state',
      'Patient.ageBand',
      'Patient.address',
      'Coverage.period',
      'CareTeamMember.period',
    ]);
    const loose = [...classes].filter(
      ([f, c]) => c.category === 'QUASI_IDENTIFIER' && c.deid === 'KEEP' && !keptAsIs.has(f),
    );
    expect(loose).toEqual([]);
  });

  it('never lets a direct identifier reach analysts except a record id as a pseudonym', () => {
    const leaks = [...classes].filter(
      ([, c]) => c.category === 'DIRECT_IDENTIFIER' && !['REMOVE', 'PSEUDONYM', 'CURSOR'].includes(c.deid),
    );
    expect(leaks).toEqual([]);
    const pseudonymised = [...classes].filter(([, c]) => c.deid === 'PSEUDONYM').map(([f]) => f);
    for (const f of pseudonymised) expect([f, /\.id$/.test(f)]).toEqual([f, true]);
    const cursors = [...classes].filter(([, c]) => c.deid === 'CURSOR').map(([f]) => f);
    expect(cursors.length).toBeGreaterThan(0);
    for (const f of cursors) expect([f, /\.endCursor$/.test(f)]).toEqual([f, true]);
  });

  it('keeps free text out of the analyst schema', () => {
    for (const f of ['ClinicalNote.text', 'MedicationRequest.dosageText', 'BreakGlassGrant.reason']) {
      expect([f, classes.get(f)?.deid]).toEqual([f, 'REMOVE']);
    }
  });

  it('states how each masked read looks', () => {
    expect(classes.get('Patient.ssn')?.mask).toBe('SSN');
    expect(classes.get('Patient.phone')?.mask).toBe('PHONE');
    expect(classes.get('Patient.email')?.mask).toBe('EMAIL');
    expect(classes.get('Patient.birthDate')?.mask).toBe('YEAR');
    expect(classes.get('Patient.address')?.mask).toBe('CITY_STATE');
    expect(classes.get('Patient.name')?.mask).toBe('INITIALS');
    expect(classes.get('ClinicalNote.text')?.mask).toBe('WITHHOLD');
  });
});
