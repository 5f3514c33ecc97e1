/**
 * Deterministic synthetic EHR data: patients, practitioners, care teams, medication requests, clinical notes and the
 * demo identities that log in against them.
 *
 * Pure by design (no I/O, no clock, no global state): the same `{ patients, seed }` always yields byte-identical
 * output, so seeded databases, snapshots and benchmarks are reproducible across machines and runs. Every random
 * choice comes from a private, explicitly seeded faker instance; the shared global `faker` is never touched, so two
 * generations (or other code using faker) cannot disturb each other.
 */
import { Faker, base, en, en_US } from '@faker-js/faker';

import {
  ADMISSION_REASONS,
  ASSESSMENT_TEMPLATES,
  CONDITIONS,
  DISCHARGE_ADMISSION_TEMPLATES,
  DISCHARGE_COURSE_TEMPLATES,
  DISCHARGE_DISPOSITION_TEMPLATES,
  DISCHARGE_FOLLOW_UP_TEMPLATES,
  FALLBACK_SENTENCES,
  HOME_AREA,
  MEDICATIONS,
  MOODS,
  NURSING_TEMPLATES,
  PLAN_TEMPLATES,
  PSYCHOTHERAPY_FOCUS_TEMPLATES,
  PSYCHOTHERAPY_INTERVENTION_TEMPLATES,
  PSYCHOTHERAPY_MOOD_TEMPLATES,
  PSYCHOTHERAPY_PLAN_TEMPLATES,
  PSYCHOTHERAPY_RISK_TEMPLATES,
  RESERVED_EMAIL_DOMAINS,
  RXNORM_SYSTEM,
  SEVERITIES,
  SLEEP_QUALITIES,
  SPARSE_ZIP3,
  STRESSORS,
  VITALS_TEMPLATES,
  type MedicationEntry,
} from './vocabulary.js';

export type Gender = 'female' | 'male' | 'other' | 'unknown';
export type NoteType = 'progress' | 'nursing' | 'discharge' | 'psychotherapy';
export type Qualification = 'physician' | 'nurse';
export type DemoRole = 'physician' | 'nurse' | 'billing' | 'patient' | 'analyst' | 'auditor' | 'admin';

export interface SeedOptions {
  patients: number;
  seed: number;
}

export interface GeneratedPatient {
  id: string;
  mrn: string;
  givenNames: string[];
  family: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: Gender;
  /** 9XX-XX-XXXX: the 900-999 area was never issued, so these can never be a real person's SSN. */
  ssn: string;
  /** 555-NXX-XXXX: 555 is not a geographic area code. */
  phone: string;
  email: string;
  addressLines: string[];
  city: string;
  /** 2-letter USPS code */
  state: string;
  /** 5 digits */
  postalCode: string;
}

export interface GeneratedPractitioner {
  id: string;
  givenNames: string[];
  family: string;
  qualification: Qualification;
}

export interface GeneratedCareTeamMember {
  id: string;
  patientId: string;
  practitionerId: string;
  role: 'attending' | 'consulting' | 'primary-nurse' | 'nurse';
  /** YYYY-MM-DD */
  periodStart: string;
  /** YYYY-MM-DD, or null while the membership is current */
  periodEnd: string | null;
}

export interface GeneratedMedicationRequest {
  id: string;
  patientId: string;
  prescriberId: string;
  system: string;
  code: string;
  display: string;
  status: 'active' | 'completed' | 'stopped' | 'on-hold';
  /** YYYY-MM-DD */
  authoredOn: string;
  /** YYYY-MM-DD, after authoredOn */
  endDate: string | null;
  dosageText: string;
}

export interface GeneratedNote {
  id: string;
  patientId: string;
  authorId: string;
  type: NoteType;
  /** ISO 8601 instant (UTC, `Z`) */
  authoredAt: string;
  text: string;
}

export interface DemoIdentity {
  role: DemoRole;
  sub: string;
  patient_id?: string;
  practitioner_id?: string;
}

export interface SeedData {
  patients: GeneratedPatient[];
  practitioners: GeneratedPractitioner[];
  careTeam: GeneratedCareTeamMember[];
  medications: GeneratedMedicationRequest[];
  notes: GeneratedNote[];
  identities: DemoIdentity[];
}

const MAX_PATIENTS = 1_000_000;
const MAX_SEED = 2 ** 31 - 1;

const DAY_MS = 86_400_000;
/**
 * "Today" for the generated world. Fixed rather than read from the clock so output never depends on when it ran;
 * all dates (birth dates, care-team periods, orders, notes) fall before it.
 */
const REFERENCE_DAY = Date.UTC(2026, 0, 1) / DAY_MS;
const YEAR_DAYS = 365.25;

/**
 * Independent random streams. Patients get their own stream so that the first N patients are identical whatever the
 * total count (the practitioner count, which depends on N, would otherwise shift every later draw).
 */
const STREAM_PATIENTS = 1;
const STREAM_PRACTITIONERS = 2;
const STREAM_CLINICAL = 3;

/**
 * Age bands (years at REFERENCE_DAY) and their share of the population: enough children and over-89s that
 * pediatric handling and Safe Harbor's "age over 89" rule are routinely exercised, in a mostly adult population.
 */
const AGE_BANDS: readonly { weight: number; value: readonly [number, number] }[] = [
  { weight: 16, value: [1, 18] },
  { weight: 25, value: [18, 40] },
  { weight: 31, value: [40, 65] },
  { weight: 22, value: [65, 90] },
  { weight: 6, value: [90, 101] },
];

const GENDERS = [
  { weight: 49, value: 'female' },
  { weight: 48, value: 'male' },
  { weight: 2, value: 'other' },
  { weight: 1, value: 'unknown' },
] as const satisfies readonly { weight: number; value: Gender }[];

/** 0-6 medications per patient, mean 3. */
const MEDICATION_COUNTS = [
  { weight: 5, value: 0 },
  { weight: 10, value: 1 },
  { weight: 20, value: 2 },
  { weight: 30, value: 3 },
  { weight: 20, value: 4 },
  { weight: 10, value: 5 },
  { weight: 5, value: 6 },
] as const;

/** 1-5 notes per patient, mean 2.85. */
const NOTE_COUNTS = [
  { weight: 15, value: 1 },
  { weight: 25, value: 2 },
  { weight: 30, value: 3 },
  { weight: 20, value: 4 },
  { weight: 10, value: 5 },
] as const;

const NOTE_TYPES = [
  { weight: 45, value: 'progress' },
  { weight: 35, value: 'nursing' },
  { weight: 15, value: 'discharge' },
  { weight: 5, value: 'psychotherapy' },
] as const satisfies readonly { weight: number; value: NoteType }[];

const MEDICATION_STATUSES = [
  { weight: 65, value: 'active' },
  { weight: 20, value: 'completed' },
  { weight: 10, value: 'stopped' },
  { weight: 5, value: 'on-hold' },
] as const satisfies readonly { weight: number; value: GeneratedMedicationRequest['status'] }[];

/** Each note type is a sequence of sections; a note of k sentences uses the first k (one template per section). */
const NOTE_SECTIONS: Record<NoteType, readonly (readonly string[])[]> = {
  progress: [VITALS_TEMPLATES, ASSESSMENT_TEMPLATES, PLAN_TEMPLATES, ASSESSMENT_TEMPLATES, PLAN_TEMPLATES],
  nursing: [VITALS_TEMPLATES, NURSING_TEMPLATES, NURSING_TEMPLATES, NURSING_TEMPLATES, NURSING_TEMPLATES],
  discharge: [
    DISCHARGE_ADMISSION_TEMPLATES,
    DISCHARGE_COURSE_TEMPLATES,
    DISCHARGE_DISPOSITION_TEMPLATES,
    DISCHARGE_FOLLOW_UP_TEMPLATES,
    DISCHARGE_FOLLOW_UP_TEMPLATES,
  ],
  psychotherapy: [
    PSYCHOTHERAPY_FOCUS_TEMPLATES,
    PSYCHOTHERAPY_MOOD_TEMPLATES,
    PSYCHOTHERAPY_INTERVENTION_TEMPLATES,
    PSYCHOTHERAPY_RISK_TEMPLATES,
    PSYCHOTHERAPY_PLAN_TEMPLATES,
  ],
};

/** Split once so per-patient picks don't filter the whole list every time. */
const PEDIATRIC_MEDICATIONS = MEDICATIONS.filter((m) => m.audience !== 'adult');
const ADULT_MEDICATIONS = MEDICATIONS.filter((m) => m.audience !== 'pediatric');
/** Below this age (years) a patient gets pediatric formulations; matches the cut-off most OTC labels use. */
const PEDIATRIC_AGE = 12;
/** Psychotherapy notes for infants and toddlers would be implausible. */
const MIN_PSYCHOTHERAPY_AGE = 6;

/** Generates the whole synthetic data set for `options.patients` patients; see the module comment. */
export function generateSeedData(options: SeedOptions): SeedData {
  validateOptions(options);
  const { patients: patientCount, seed } = options;
  // One registry for every id in the data set, so ids are unique across entity types, not just within one.
  const ids = new Set<string>();

  const patientRng = new Rng(seed, STREAM_PATIENTS);
  const patients = generatePatients(patientRng, patientCount, ids);

  const practitionerRng = new Rng(seed, STREAM_PRACTITIONERS);
  const physicianCount = Math.max(2, Math.ceil(patientCount / 20));
  const nurseCount = Math.max(2, Math.ceil(patientCount / 15));
  const physicians = generatePractitioners(practitionerRng, physicianCount, 'physician', ids);
  const nurses = generatePractitioners(practitionerRng, nurseCount, 'nurse', ids);

  const clinicalRng = new Rng(seed, STREAM_CLINICAL);
  const careTeam: GeneratedCareTeamMember[] = [];
  const medications: GeneratedMedicationRequest[] = [];
  const notes: GeneratedNote[] = [];
  for (let i = 0; i < patients.length; i++) {
    const patient = at(patients, i);
    const team = assignCareTeam(clinicalRng, patient, i, physicians, nurses, ids);
    careTeam.push(...team);
    medications.push(...generateMedications(clinicalRng, patient, team, ids));
    notes.push(...generateNotes(clinicalRng, patient, team, ids));
  }

  return {
    patients,
    practitioners: [...physicians, ...nurses],
    careTeam,
    medications,
    notes,
    identities: demoIdentities(patients, physicians, nurses),
  };
}

function validateOptions(options: SeedOptions): void {
  // Checked at run time as well as by the type system: the CLI passes values parsed from argv.
  if (typeof options !== 'object' || options === null) {
    throw new RangeError('generateSeedData: options must be an object { patients, seed }');
  }
  const { patients, seed } = options;
  if (typeof patients !== 'number' || !Number.isInteger(patients) || patients < 1 || patients > MAX_PATIENTS) {
    throw new RangeError(
      `generateSeedData: patients must be an integer from 1 to ${MAX_PATIENTS}, got ${String(patients)}`,
    );
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`generateSeedData: seed must be an integer from 0 to ${MAX_SEED}, got ${String(seed)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Patients and practitioners
// ---------------------------------------------------------------------------------------------------------------

function generatePatients(rng: Rng, count: number, ids: Set<string>): GeneratedPatient[] {
  // Identifiers a real system keeps unique; uniqueness also lets leak tests attribute a value to one patient.
  const mrns = new Set<string>();
  const ssns = new Set<string>();
  const emails = new Set<string>();
  const patients: GeneratedPatient[] = [];
  for (let i = 0; i < count; i++) {
    const id = rng.uuid(ids);
    const gender = rng.weighted(GENDERS);
    // Names are sex-specific in faker; other/unknown patients get either.
    const sex = gender === 'female' || gender === 'male' ? gender : rng.pick(['female', 'male'] as const);
    const givenNames = [rng.faker.person.firstName(sex)];
    if (rng.chance(0.35)) givenNames.push(rng.faker.person.middleName(sex));
    const family = rng.faker.person.lastName();

    const [minAge, maxAge] = rng.weighted(AGE_BANDS);
    const birthDay = REFERENCE_DAY - rng.int(Math.ceil(minAge * YEAR_DAYS), Math.floor(maxAge * YEAR_DAYS) - 1);

    const { state, postalCode } = address(rng);
    const addressLines = [rng.faker.location.streetAddress(false)];
    if (rng.chance(0.2)) addressLines.push(rng.faker.location.secondaryAddress());

    patients.push({
      id,
      mrn: unique(mrns, () => `MRN${digits(rng.int(0, 99_999_999), 8)}`),
      givenNames,
      family,
      birthDate: isoDate(birthDay),
      gender,
      ssn: unique(ssns, () => `${rng.int(900, 999)}-${digits(rng.int(1, 99), 2)}-${digits(rng.int(1, 9999), 4)}`),
      // Exchange 200-999: North American numbering never starts an exchange with 0 or 1.
      phone: `555-${rng.int(200, 999)}-${digits(rng.int(0, 9999), 4)}`,
      email: unique(emails, () => email(rng, givenNames[0] ?? 'patient', family)),
      addressLines,
      city: rng.faker.location.city(),
      state,
      postalCode,
    });
  }
  return patients;
}

/**
 * State and ZIP that agree with each other: about 60% in the hospital's home area (HOME_AREA),
 * about 4% in a sparsely populated ZIP3 (see SPARSE_ZIP3), the rest anywhere.
 */
function address(rng: Rng): { state: string; postalCode: string } {
  if (rng.chance(HOME_AREA.share)) {
    return { state: HOME_AREA.state, postalCode: `${rng.pick(HOME_AREA.prefixes)}${digits(rng.int(0, 99), 2)}` };
  }
  if (rng.chance(0.04 / (1 - HOME_AREA.share))) {
    const sparse = rng.pick(SPARSE_ZIP3);
    return { state: sparse.state, postalCode: `${sparse.prefix}${digits(rng.int(0, 99), 2)}` };
  }
  const state = rng.faker.location.state({ abbreviated: true });
  const zip = rng.faker.location.zipCode({ state });
  // Guard against locale data ever yielding ZIP+4 or a malformed code: the type promises exactly 5 digits.
  return { state, postalCode: /^\d{5}$/.test(zip) ? zip : digits(rng.int(501, 99_950), 5) };
}

function email(rng: Rng, given: string, family: string): string {
  const local = `${slug(given)}.${slug(family)}${rng.int(1, 999)}`;
  return `${local}@${rng.pick(RESERVED_EMAIL_DOMAINS)}`;
}

/** Lower-case ASCII letters and digits only (drops apostrophes, hyphens and diacritics from names). */
function slug(value: string): string {
  return value
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function generatePractitioners(
  rng: Rng,
  count: number,
  qualification: Qualification,
  ids: Set<string>,
): GeneratedPractitioner[] {
  const practitioners: GeneratedPractitioner[] = [];
  for (let i = 0; i < count; i++) {
    const sex = rng.pick(['female', 'male'] as const);
    const givenNames = [rng.faker.person.firstName(sex)];
    if (rng.chance(0.3)) givenNames.push(rng.faker.person.middleName(sex));
    practitioners.push({ id: rng.uuid(ids), givenNames, family: rng.faker.person.lastName(), qualification });
  }
  return practitioners;
}

// ---------------------------------------------------------------------------------------------------------------
// Care team
// ---------------------------------------------------------------------------------------------------------------

/**
 * Attending physician and primary nurse are assigned round-robin (patient i -> physician i % P, nurse i % Q) rather
 * than at random, which guarantees that every practitioner (in particular the demo logins physician-1/2 and
 * nurse-1/2) has a predictable, non-overlapping panel of at least floor(N / P) patients. Those two memberships never
 * end, so a demo login's panel does not shrink when access checks honour periodEnd. Extra memberships (consulting
 * physician, second nurse) are random and sometimes historical.
 */
function assignCareTeam(
  rng: Rng,
  patient: GeneratedPatient,
  index: number,
  physicians: readonly GeneratedPractitioner[],
  nurses: readonly GeneratedPractitioner[],
  ids: Set<string>,
): GeneratedCareTeamMember[] {
  const birthDay = dayOf(patient.birthDate);
  const member = (
    practitioner: GeneratedPractitioner,
    role: GeneratedCareTeamMember['role'],
    mayEnd: boolean,
  ): GeneratedCareTeamMember => {
    // Within the last five years, and never before the patient was born.
    const start = rng.int(Math.max(birthDay + 1, REFERENCE_DAY - 5 * 365), REFERENCE_DAY - 30);
    const end = mayEnd && rng.chance(0.3) ? rng.int(start + 1, REFERENCE_DAY - 1) : null;
    return {
      id: rng.uuid(ids),
      patientId: patient.id,
      practitionerId: practitioner.id,
      role,
      periodStart: isoDate(start),
      periodEnd: end === null ? null : isoDate(end),
    };
  };

  const attendingIndex = index % physicians.length;
  const nurseIndex = index % nurses.length;
  const team = [
    member(at(physicians, attendingIndex), 'attending', false),
    member(at(nurses, nurseIndex), 'primary-nurse', false),
  ];
  if (rng.chance(0.2)) {
    // Offset 1..P-1 from the attending, so the consultant is always someone else.
    const offset = rng.int(1, physicians.length - 1);
    team.push(member(at(physicians, (attendingIndex + offset) % physicians.length), 'consulting', true));
  }
  if (rng.chance(0.1)) {
    const offset = rng.int(1, nurses.length - 1);
    team.push(member(at(nurses, (nurseIndex + offset) % nurses.length), 'nurse', true));
  }
  return team;
}

/** The day range in which a care-team member could have acted for the patient. */
function activeWindow(member: GeneratedCareTeamMember): [number, number] {
  const end = member.periodEnd === null ? REFERENCE_DAY - 1 : dayOf(member.periodEnd);
  return [dayOf(member.periodStart), end];
}

// ---------------------------------------------------------------------------------------------------------------
// Medication requests
// ---------------------------------------------------------------------------------------------------------------

function generateMedications(
  rng: Rng,
  patient: GeneratedPatient,
  team: readonly GeneratedCareTeamMember[],
  ids: Set<string>,
): GeneratedMedicationRequest[] {
  const count = rng.weighted(MEDICATION_COUNTS);
  if (count === 0) return [];
  const prescribers = team.filter((m) => m.role === 'attending' || m.role === 'consulting');
  const pool = ageAt(patient) < PEDIATRIC_AGE ? PEDIATRIC_MEDICATIONS : ADULT_MEDICATIONS;
  // Distinct drugs per patient: the same product ordered twice would look like a duplicate-order bug.
  const drugs: MedicationEntry[] = rng.faker.helpers.arrayElements(pool, Math.min(count, pool.length));

  return drugs.map((drug) => {
    const prescriber = rng.pick(prescribers);
    // Ordered while the prescriber was on the care team, which also puts it after the patient's birth.
    const [from, to] = activeWindow(prescriber);
    const authoredDay = rng.int(from, to);
    const status = rng.weighted(MEDICATION_STATUSES);
    // Finished orders carry an end date; open ones (active, on hold) do not. Capped at "today" so no order
    // completed in the future, and still at least a day after it was written because authoredDay < REFERENCE_DAY.
    const endDay =
      status === 'completed' || status === 'stopped' ? Math.min(authoredDay + rng.int(7, 180), REFERENCE_DAY) : null;
    return {
      id: rng.uuid(ids),
      patientId: patient.id,
      prescriberId: prescriber.practitionerId,
      system: RXNORM_SYSTEM,
      code: drug.code,
      display: drug.display,
      status,
      authoredOn: isoDate(authoredDay),
      endDate: endDay === null ? null : isoDate(endDay),
      dosageText: drug.sig,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Clinical notes
// ---------------------------------------------------------------------------------------------------------------

function generateNotes(
  rng: Rng,
  patient: GeneratedPatient,
  team: readonly GeneratedCareTeamMember[],
  ids: Set<string>,
): GeneratedNote[] {
  const count = rng.weighted(NOTE_COUNTS);
  const physicians = team.filter((m) => m.role === 'attending' || m.role === 'consulting');
  const nurses = team.filter((m) => m.role === 'primary-nurse' || m.role === 'nurse');
  const guard = new LeakGuard(patient);
  const canHavePsychotherapy = ageAt(patient) >= MIN_PSYCHOTHERAPY_AGE;

  const notes: GeneratedNote[] = [];
  for (let n = 0; n < count; n++) {
    let type: NoteType = rng.weighted(NOTE_TYPES);
    if (type === 'psychotherapy' && !canHavePsychotherapy) type = 'progress';
    // Nurses write nursing notes; everything else is physician documentation.
    const author = rng.pick(type === 'nursing' ? nurses : physicians);
    const [from, to] = activeWindow(author);
    const authoredAt = rng.int(from, to) * DAY_MS + rng.int(0, DAY_MS / 1000 - 1) * 1000;
    notes.push({
      id: rng.uuid(ids),
      patientId: patient.id,
      authorId: author.practitionerId,
      type,
      authoredAt: new Date(authoredAt).toISOString(),
      text: noteText(rng, type, guard),
    });
  }
  return notes;
}

/** 2-5 sentences: the first k sections of the note type, one template each, with placeholders filled in. */
function noteText(rng: Rng, type: NoteType, guard: LeakGuard): string {
  const sentenceCount = rng.int(2, 5);
  const sections = NOTE_SECTIONS[type].slice(0, sentenceCount);
  const sentences: string[] = [];
  const usedTemplates = new Set<string>();
  for (const section of sections) {
    // A few tries per section: a template is rejected if this note already used it (sections can share a pool) or
    // if, once filled, it happens to contain one of the patient's identifiers (e.g. a family name that is also an
    // English word). A section that keeps failing is simply left out.
    for (let attempt = 0; attempt < 6; attempt++) {
      const template = rng.pick(section);
      if (usedTemplates.has(template)) continue;
      const sentence = fillTemplate(rng, template);
      if (guard.allows(sentence)) {
        usedTemplates.add(template);
        sentences.push(sentence);
        break;
      }
    }
  }
  for (const fallback of FALLBACK_SENTENCES) {
    if (sentences.length >= 2) break;
    const sentence = fillTemplate(rng, fallback);
    if (guard.allows(sentence)) sentences.push(sentence);
  }
  return sentences.join(' ');
}

/** Replaces `{placeholder}`s with plausible values; each occurrence draws a fresh value. */
function fillTemplate(rng: Rng, template: string): string {
  // Diastolic pressure is drawn relative to the systolic one so readings keep a physiological pulse pressure.
  let systolic = 120;
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    switch (key) {
      case 'sys':
        systolic = rng.int(102, 162);
        return String(systolic);
      case 'dia':
        return String(Math.max(56, systolic - rng.int(32, 60)));
      case 'hr':
        return String(rng.int(56, 112));
      case 'rr':
        return String(rng.int(12, 22));
      case 'temp':
        return (rng.int(970, 1004) / 10).toFixed(1);
      case 'spo2':
        return String(rng.int(92, 100));
      case 'pain':
        return String(rng.int(0, 8));
      case 'a1c':
        return (rng.int(54, 98) / 10).toFixed(1);
      case 'days':
        return String(rng.int(2, 14));
      case 'weeks':
        return String(rng.int(2, 8));
      case 'condition':
        return rng.pick(CONDITIONS);
      case 'admitReason':
        return rng.pick(ADMISSION_REASONS);
      case 'severity':
        return rng.pick(SEVERITIES);
      case 'stressor':
        return rng.pick(STRESSORS);
      case 'mood':
        return rng.pick(MOODS);
      case 'sleep':
        return rng.pick(SLEEP_QUALITIES);
      default:
        // A typo in vocabulary.ts should fail loudly in tests, not ship a literal "{foo}" into seeded notes.
        throw new Error(`generateSeedData: unknown note template placeholder {${key}}`);
    }
  });
}

/**
 * Keeps a patient's direct identifiers out of their notes, so tests that look for leaked PHI in note text (or in
 * de-identified exports) can tell a real leak from a coincidence. Names of 3+ letters are matched as
 * case-insensitive substrings (strictest); shorter name parts and given names are matched as whole words, since
 * a given name like "Pat" would otherwise rule out every sentence containing "patient".
 */
class LeakGuard {
  private readonly substrings: string[];
  private readonly words: Set<string>;

  constructor(patient: GeneratedPatient) {
    const familyParts = [patient.family, ...patient.family.split(/[^A-Za-z]+/)].map((p) => p.toLowerCase());
    this.substrings = [
      ...familyParts.filter((p) => p.length >= 3),
      patient.ssn,
      patient.mrn.toLowerCase(),
      patient.phone,
      patient.email.toLowerCase(),
    ];
    this.words = new Set([
      ...familyParts.filter((p) => p.length > 0 && p.length < 3),
      ...patient.givenNames.map((g) => g.toLowerCase()),
    ]);
  }

  allows(sentence: string): boolean {
    const lower = sentence.toLowerCase();
    if (this.substrings.some((s) => lower.includes(s))) return false;
    return !lower.split(/[^a-z]+/).some((word) => this.words.has(word));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Demo identities
// ---------------------------------------------------------------------------------------------------------------

/**
 * Logins for demos and end-to-end tests. The first two physicians and nurses are used because round-robin
 * assignment gives them distinct patient panels; the first two patients are always present (patient-2 only
 * when N >= 2).
 */
function demoIdentities(
  patients: readonly GeneratedPatient[],
  physicians: readonly GeneratedPractitioner[],
  nurses: readonly GeneratedPractitioner[],
): DemoIdentity[] {
  const identities: DemoIdentity[] = [];
  physicians.slice(0, 2).forEach((p, i) => {
    identities.push({ role: 'physician', sub: `physician-${i + 1}`, practitioner_id: p.id });
  });
  nurses.slice(0, 2).forEach((p, i) => {
    identities.push({ role: 'nurse', sub: `nurse-${i + 1}`, practitioner_id: p.id });
  });
  patients.slice(0, 2).forEach((p, i) => {
    identities.push({ role: 'patient', sub: `patient-${i + 1}`, patient_id: p.id });
  });
  for (const role of ['billing', 'analyst', 'auditor', 'admin'] as const) {
    identities.push({ role, sub: `${role}-1` });
  }
  return identities;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** A seeded faker instance plus the few sampling primitives the generator needs. */
class Rng {
  readonly faker: Faker;

  constructor(seed: number, stream: number) {
    this.faker = new Faker({ locale: [en_US, en, base] });
    // Seeding with [seed, stream] gives each stream an independent Mersenne Twister state for the same user seed.
    this.faker.seed([seed, stream]);
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  chance(probability: number): boolean {
    return this.faker.number.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return this.faker.helpers.arrayElement(items);
  }

  weighted<T>(items: readonly { weight: number; value: T }[]): T {
    return this.faker.helpers.weightedArrayElement(items);
  }

  /**
   * RFC 4122 version-4-shaped UUID drawn from this stream (4 draws instead of faker.string.uuid's 31, which matters
   * at ~9 ids per patient), registered in `used` and redrawn on the astronomically unlikely collision.
   */
  uuid(used: Set<string>): string {
    for (;;) {
      const a = this.faker.number.int(0xffffffff);
      const b = ((this.faker.number.int(0xffffffff) & 0xffff0fff) | 0x00004000) >>> 0; // version 4
      const c = ((this.faker.number.int(0xffffffff) & 0x3fffffff) | 0x80000000) >>> 0; // variant 10xx
      const d = this.faker.number.int(0xffffffff);
      const hex = hex8(a) + hex8(b) + hex8(c) + hex8(d);
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  }
}

/** Draws until `make` produces a value not yet in `seen`, then records it. */
function unique(seen: Set<string>, make: () => string): string {
  for (;;) {
    const value = make();
    if (!seen.has(value)) {
      seen.add(value);
      return value;
    }
  }
}

/** Element access that satisfies noUncheckedIndexedAccess and fails loudly on a logic error. */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`generateSeedData: index ${index} out of range (length ${items.length})`);
  return item;
}

/** Two-digit hex for every byte value; table look-ups beat toString(16).padStart on the ~100k ids of a 10k run. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Unsigned 32-bit integer -> 8 lower-case hex digits. */
function hex8(value: number): string {
  return (
    at(HEX_BYTES, (value >>> 24) & 0xff) +
    at(HEX_BYTES, (value >>> 16) & 0xff) +
    at(HEX_BYTES, (value >>> 8) & 0xff) +
    at(HEX_BYTES, value & 0xff)
  );
}

function digits(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Days since the Unix epoch -> YYYY-MM-DD (UTC, so time zones never shift a date). */
function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayOf(isoDateString: string): number {
  return Date.parse(`${isoDateString}T00:00:00Z`) / DAY_MS;
}

/** Whole years of age at REFERENCE_DAY (approximate; only used to choose age-appropriate content). */
function ageAt(patient: GeneratedPatient): number {
  return Math.floor((REFERENCE_DAY - dayOf(patient.birthDate)) / YEAR_DAYS);
}
