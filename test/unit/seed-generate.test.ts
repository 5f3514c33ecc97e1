import { faker } from '@faker-js/faker';

import {
  generateSeedData,
  type GeneratedCareTeamMember,
  type GeneratedPatient,
  type SeedData,
} from '../../tools/src/seed/generate';
import { MEDICATIONS } from '../../tools/src/seed/vocabulary';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
/** ZIP3 areas with at most 20,000 people (HIPAA Safe Harbor). */
const SPARSE_ZIP3 = new Set('036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893'.split(' '));

// Generated once and shared: the assertions below only read the data.
const data = generateSeedData({ patients: 1000, seed: 7 });
const patientsById = new Map(data.patients.map((p) => [p.id, p]));
const practitionersById = new Map(data.practitioners.map((p) => [p.id, p]));
const teamByPatient = groupBy(data.careTeam, (m) => m.patientId);

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function patientOf(id: string): GeneratedPatient {
  const patient = patientsById.get(id);
  if (!patient) throw new Error(`no patient ${id}`);
  return patient;
}

function teamOf(patientId: string): GeneratedCareTeamMember[] {
  return teamByPatient.get(patientId) ?? [];
}

function allIds(seed: SeedData): string[] {
  return [
    ...seed.patients.map((p) => p.id),
    ...seed.practitioners.map((p) => p.id),
    ...seed.careTeam.map((m) => m.id),
    ...seed.medications.map((m) => m.id),
    ...seed.notes.map((n) => n.id),
  ];
}

/** Patient ids on a practitioner's care-team panel (any role). */
function panelOf(seed: SeedData, practitionerId: string | undefined): Set<string> {
  return new Set(seed.careTeam.filter((m) => m.practitionerId === practitionerId).map((m) => m.patientId));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('generateSeedData: determinism', () => {
  it('returns byte-identical output for the same options', () => {
    const a = generateSeedData({ patients: 200, seed: 42 });
    const b = generateSeedData({ patients: 200, seed: 42 });
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('returns different data for a different seed', () => {
    const a = generateSeedData({ patients: 50, seed: 1 });
    const b = generateSeedData({ patients: 50, seed: 2 });
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(b.patients[0]?.id).not.toBe(a.patients[0]?.id);
    expect(b.patients.map((p) => p.ssn)).not.toEqual(a.patients.map((p) => p.ssn));
  });

  it('neither reads nor disturbs the global faker instance', () => {
    faker.seed(1);
    const a = generateSeedData({ patients: 20, seed: 5 });
    faker.seed(2);
    const b = generateSeedData({ patients: 20, seed: 5 });
    expect(b).toEqual(a);

    faker.seed(99);
    const expected = faker.number.int();
    faker.seed(99);
    generateSeedData({ patients: 20, seed: 5 });
    expect(faker.number.int()).toBe(expected);
  });

  it('keeps the first patients stable when more patients are requested', () => {
    const small = generateSeedData({ patients: 10, seed: 3 });
    const large = generateSeedData({ patients: 40, seed: 3 });
    expect(large.patients.slice(0, 10)).toEqual(small.patients);
  });
});

describe('generateSeedData: options', () => {
  it.each([
    { patients: 0, seed: 1 },
    { patients: -5, seed: 1 },
    { patients: 1.5, seed: 1 },
    { patients: 1_000_001, seed: 1 },
    { patients: Number.NaN, seed: 1 },
    { patients: Number.POSITIVE_INFINITY, seed: 1 },
    { patients: '10' as unknown as number, seed: 1 },
    { patients: 10, seed: -1 },
    { patients: 10, seed: 2 ** 31 },
    { patients: 10, seed: 0.5 },
    { patients: 10, seed: Number.NaN },
    { patients: 10, seed: undefined as unknown as number },
  ])('rejects %p with a RangeError', (options) => {
    expect(() => generateSeedData(options)).toThrow(RangeError);
  });

  it('names the offending option in the message', () => {
    expect(() => generateSeedData({ patients: 0, seed: 1 })).toThrow(/patients/);
    expect(() => generateSeedData({ patients: 1, seed: -1 })).toThrow(/seed/);
  });

  it('accepts the boundary values', () => {
    expect(generateSeedData({ patients: 1, seed: 0 }).patients).toHaveLength(1);
    expect(generateSeedData({ patients: 1, seed: 2 ** 31 - 1 }).patients).toHaveLength(1);
  });
});

describe('generateSeedData: ids and patient fields', () => {
  it('uses unique, lowercase version-4 UUIDs for every record', () => {
    const ids = allIds(data);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every patient a unique MRN and a never-issued SSN', () => {
    const mrns = data.patients.map((p) => p.mrn);
    for (const mrn of mrns) expect(mrn).toMatch(/^MRN\d{8}$/);
    expect(new Set(mrns).size).toBe(mrns.length);
    for (const p of data.patients) expect(p.ssn).toMatch(/^9\d\d-\d\d-\d\d\d\d$/);
  });

  it('uses fictional phone numbers and reserved e-mail domains', () => {
    for (const p of data.patients) {
      expect(p.phone).toMatch(/^555-[2-9]\d\d-\d{4}$/);
      expect(p.email).toMatch(/^[a-z0-9.]+@example\.(org|com|net)$/);
    }
  });

  it('produces plausible names, addresses and ZIP codes', () => {
    for (const p of data.patients) {
      expect(p.givenNames.length).toBeGreaterThanOrEqual(1);
      expect(p.givenNames.length).toBeLessThanOrEqual(2);
      for (const name of [...p.givenNames, p.family]) expect(name.trim().length).toBeGreaterThan(0);
      expect(p.addressLines.length).toBeGreaterThanOrEqual(1);
      expect(p.addressLines.length).toBeLessThanOrEqual(2);
      expect(p.addressLines[0]).toMatch(/^\d+ \S/);
      expect(p.city.length).toBeGreaterThan(0);
      expect(p.state).toMatch(/^[A-Z]{2}$/);
      expect(p.postalCode).toMatch(/^\d{5}$/);
    }
    // Some patients must live in a sparse ZIP3 so Safe Harbor's "replace with 000" rule gets exercised.
    expect(data.patients.some((p) => SPARSE_ZIP3.has(p.postalCode.slice(0, 3)))).toBe(true);
  });

  it('spreads birth dates from the 1920s to the 2020s, including over-89s and children', () => {
    for (const p of data.patients) {
      expect(p.birthDate).toMatch(ISO_DATE);
      expect(Number.isNaN(Date.parse(p.birthDate))).toBe(false);
      expect(p.birthDate >= '1924-01-01' && p.birthDate <= '2025-01-01').toBe(true);
    }
    // Relative to 2026-01-01: born before 1936 means older than 89; born after 2008 means a minor.
    expect(data.patients.filter((p) => p.birthDate < '1936-01-01').length).toBeGreaterThan(10);
    expect(data.patients.filter((p) => p.birthDate > '2008-01-01').length).toBeGreaterThan(50);
  });

  it('uses mostly female/male genders with a few other/unknown', () => {
    const counts = new Map<string, number>();
    for (const p of data.patients) counts.set(p.gender, (counts.get(p.gender) ?? 0) + 1);
    expect((counts.get('female') ?? 0) + (counts.get('male') ?? 0)).toBeGreaterThan(900);
    expect(counts.get('other')).toBeGreaterThan(0);
    expect(counts.get('unknown')).toBeGreaterThan(0);
  });
});

describe('generateSeedData: practitioners and care team', () => {
  it('sizes the workforce from the patient count', () => {
    const count = (seed: SeedData, q: string) => seed.practitioners.filter((p) => p.qualification === q).length;
    expect(count(data, 'physician')).toBe(50); // ceil(1000 / 20)
    expect(count(data, 'nurse')).toBe(67); // ceil(1000 / 15)
    const tiny = generateSeedData({ patients: 1, seed: 1 });
    expect(count(tiny, 'physician')).toBe(2);
    expect(count(tiny, 'nurse')).toBe(2);
  });

  it('gives each patient one attending physician and one primary nurse, round-robin', () => {
    const physicians = data.practitioners.filter((p) => p.qualification === 'physician');
    const nurses = data.practitioners.filter((p) => p.qualification === 'nurse');
    data.patients.forEach((patient, i) => {
      const team = teamOf(patient.id);
      const attending = team.filter((m) => m.role === 'attending');
      const primary = team.filter((m) => m.role === 'primary-nurse');
      expect(attending).toHaveLength(1);
      expect(primary).toHaveLength(1);
      expect(attending[0]?.practitionerId).toBe(physicians[i % physicians.length]?.id);
      expect(primary[0]?.practitionerId).toBe(nurses[i % nurses.length]?.id);
    });
  });

  it('adds a different consulting physician for about a fifth of patients', () => {
    const consulting = data.careTeam.filter((m) => m.role === 'consulting');
    expect(consulting.length).toBeGreaterThan(100);
    expect(consulting.length).toBeLessThan(300);
    for (const c of consulting) {
      const attending = teamOf(c.patientId).find((m) => m.role === 'attending');
      expect(c.practitionerId).not.toBe(attending?.practitionerId);
    }
  });

  it('references existing records with qualifications matching the role', () => {
    for (const m of data.careTeam) {
      const patient = patientOf(m.patientId);
      const practitioner = practitionersById.get(m.practitionerId);
      expect(practitioner).toBeDefined();
      const expected = m.role === 'attending' || m.role === 'consulting' ? 'physician' : 'nurse';
      expect(practitioner?.qualification).toBe(expected);
      expect(m.periodStart).toMatch(ISO_DATE);
      expect(m.periodStart > patient.birthDate).toBe(true);
      expect(m.periodStart < '2026-01-01').toBe(true);
      if (m.periodEnd !== null) expect(m.periodEnd > m.periodStart).toBe(true);
    }
    const open = data.careTeam.filter((m) => m.periodEnd === null).length;
    expect(open / data.careTeam.length).toBeGreaterThan(0.8);
  });
});

describe('generateSeedData: medications', () => {
  it('draws from a vocabulary of at least 40 distinct RxNorm drugs', () => {
    expect(MEDICATIONS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(MEDICATIONS.map((m) => m.code)).size).toBe(MEDICATIONS.length);
    for (const m of MEDICATIONS) expect(m.code).toMatch(/^\d+$/);
  });

  it('gives 0-6 orders per patient, about 3 on average', () => {
    const perPatient = groupBy(data.medications, (m) => m.patientId);
    for (const orders of perPatient.values()) expect(orders.length).toBeLessThanOrEqual(6);
    const average = data.medications.length / data.patients.length;
    expect(average).toBeGreaterThan(2.5);
    expect(average).toBeLessThan(3.5);
    expect(perPatient.size).toBeLessThan(data.patients.length); // some patients have none
  });

  it('produces coherent orders prescribed by a physician on the patient’s care team', () => {
    const vocabulary = new Map(MEDICATIONS.map((m) => [m.code, m.display]));
    for (const m of data.medications) {
      const patient = patientOf(m.patientId);
      expect(m.system).toBe('http://www.nlm.nih.gov/research/umls/rxnorm');
      expect(vocabulary.get(m.code)).toBe(m.display);
      expect(m.dosageText).toMatch(/^(Take|Chew) \d/);
      expect(m.authoredOn).toMatch(ISO_DATE);
      expect(m.authoredOn > patient.birthDate).toBe(true);
      if (m.endDate !== null) {
        expect(m.endDate).toMatch(ISO_DATE);
        expect(m.endDate > m.authoredOn).toBe(true);
      }
      const prescriber = teamOf(m.patientId).find((t) => t.practitionerId === m.prescriberId);
      expect(prescriber?.role === 'attending' || prescriber?.role === 'consulting').toBe(true);
      expect(practitionersById.get(m.prescriberId)?.qualification).toBe('physician');
    }
    const active = data.medications.filter((m) => m.status === 'active').length;
    expect(active / data.medications.length).toBeGreaterThan(0.5);
  });
});

describe('generateSeedData: notes', () => {
  it('gives 1-5 notes per patient with the expected mix of types', () => {
    const perPatient = groupBy(data.notes, (n) => n.patientId);
    expect(perPatient.size).toBe(data.patients.length);
    for (const notes of perPatient.values()) {
      expect(notes.length).toBeGreaterThanOrEqual(1);
      expect(notes.length).toBeLessThanOrEqual(5);
    }
    const share = (type: string) => data.notes.filter((n) => n.type === type).length / data.notes.length;
    expect(share('progress') + share('nursing')).toBeGreaterThan(0.6);
    expect(share('discharge')).toBeGreaterThan(0.05);
    expect(share('psychotherapy')).toBeGreaterThan(0.01);
    expect(share('psychotherapy')).toBeLessThan(0.1);
  });

  it('is authored by the right care-team member after the patient was born', () => {
    for (const n of data.notes) {
      const patient = patientOf(n.patientId);
      const member = teamOf(n.patientId).find((t) => t.practitionerId === n.authorId);
      expect(member).toBeDefined();
      const author = practitionersById.get(n.authorId);
      expect(author?.qualification).toBe(n.type === 'nursing' ? 'nurse' : 'physician');
      expect(n.authoredAt).toMatch(ISO_INSTANT);
      expect(n.authoredAt.slice(0, 10) > patient.birthDate).toBe(true);
      expect(n.authoredAt < '2026-01-01').toBe(true);
    }
  });

  it('contains 2-5 filled-in clinical sentences', () => {
    for (const n of data.notes) {
      expect(n.text).not.toMatch(/[{}]/);
      const sentences = n.text.split(/(?<=\.)\s+/);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(5);
      for (const s of sentences) expect(s).toMatch(/^[A-Z0-9].*\.$/);
    }
  });

  it('never contains the patient’s name, SSN, MRN, phone or e-mail', () => {
    for (const n of data.notes) {
      const p = patientOf(n.patientId);
      for (const name of [p.family, ...p.family.split(/[^A-Za-z]+/), ...p.givenNames].filter(Boolean)) {
        expect(n.text).not.toMatch(new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i'));
      }
      for (const identifier of [p.ssn, p.mrn, p.phone, p.email]) expect(n.text).not.toContain(identifier);
    }
  });
});

describe('generateSeedData: demo identities', () => {
  it('provides the fixed set of demo logins pointing at real records', () => {
    expect(data.identities.map((i) => i.sub)).toEqual([
      'physician-1',
      'physician-2',
      'nurse-1',
      'nurse-2',
      'patient-1',
      'patient-2',
      'billing-1',
      'analyst-1',
      'auditor-1',
      'admin-1',
    ]);
    for (const identity of data.identities) {
      expect(identity.sub.startsWith(`${identity.role}-`)).toBe(true);
      if (identity.role === 'physician' || identity.role === 'nurse') {
        expect(practitionersById.get(identity.practitioner_id ?? '')?.qualification).toBe(identity.role);
        expect(identity.patient_id).toBeUndefined();
      } else if (identity.role === 'patient') {
        expect(patientsById.has(identity.patient_id ?? '')).toBe(true);
        expect(identity.practitioner_id).toBeUndefined();
      } else {
        expect(identity.patient_id).toBeUndefined();
        expect(identity.practitioner_id).toBeUndefined();
      }
    }
    expect(data.identities.find((i) => i.sub === 'patient-1')?.patient_id).toBe(data.patients[0]?.id);
    expect(data.identities.find((i) => i.sub === 'patient-2')?.patient_id).toBe(data.patients[1]?.id);
  });

  it.each([10, 50])('gives the demo clinicians distinct panels of at least 5 patients (N=%i)', (patients) => {
    const seed = generateSeedData({ patients, seed: 11 });
    const idOf = (sub: string) => seed.identities.find((i) => i.sub === sub)?.practitioner_id;
    for (const [first, second] of [
      ['physician-1', 'physician-2'],
      ['nurse-1', 'nurse-2'],
    ] as const) {
      const a = panelOf(seed, idOf(first));
      const b = panelOf(seed, idOf(second));
      expect(a.size).toBeGreaterThanOrEqual(5);
      expect(b.size).toBeGreaterThanOrEqual(5);
      expect([...a].sort()).not.toEqual([...b].sort());
      // Round-robin attending/primary-nurse assignment keeps each one's own patients apart.
      const role = first.startsWith('physician') ? 'attending' : 'primary-nurse';
      const own = (id: string | undefined) =>
        new Set(seed.careTeam.filter((m) => m.practitionerId === id && m.role === role).map((m) => m.patientId));
      const ownB = own(idOf(second));
      expect([...own(idOf(first))].some((p) => ownB.has(p))).toBe(false);
    }
  });

  it('omits patient-2 when there is only one patient', () => {
    const seed = generateSeedData({ patients: 1, seed: 1 });
    expect(seed.identities.map((i) => i.sub)).not.toContain('patient-2');
    expect(seed.identities.find((i) => i.sub === 'patient-1')?.patient_id).toBe(seed.patients[0]?.id);
  });
});

describe('generateSeedData: scale', () => {
  it('generates 10,000 patients with sensible counts', () => {
    const started = Date.now();
    const big = generateSeedData({ patients: 10_000, seed: 1 });
    const elapsed = Date.now() - started;
    console.log(`generateSeedData({ patients: 10000, seed: 1 }) took ${elapsed} ms`);

    expect(big.patients).toHaveLength(10_000);
    expect(big.practitioners).toHaveLength(500 + 667);
    expect(big.careTeam.length).toBeGreaterThanOrEqual(20_000);
    expect(big.careTeam.length).toBeLessThan(26_000);
    expect(big.medications.length).toBeGreaterThan(25_000);
    expect(big.medications.length).toBeLessThan(35_000);
    expect(big.notes.length).toBeGreaterThan(10_000);
    expect(big.notes.length).toBeLessThanOrEqual(50_000);
    const ids = allIds(big);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(big.patients.map((p) => p.mrn)).size).toBe(10_000);
  }, 60_000);
});
