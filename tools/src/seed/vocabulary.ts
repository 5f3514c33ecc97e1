/**
 * Static vocabulary for the synthetic-data generator (`generate.ts`): medications, clinical note templates and the
 * small lookup tables they draw on. Kept apart from the generator so the clinical content can be reviewed (and
 * extended) without reading the generation logic.
 *
 * Nothing here may contain a person's name, a number shaped like an SSN/MRN/phone, or an e-mail address: the leak
 * tests rely on note text never carrying patient identifiers, and every identifier the generator makes comes from
 * the seeded faker instance, not from these lists.
 */

/** Who a medication may be prescribed to; keeps statins away from toddlers and chewables away from adults. */
export type MedicationAudience = 'adult' | 'pediatric' | 'any';

export interface MedicationEntry {
  /** RxNorm concept id (RXCUI) of the clinical drug. */
  readonly code: string;
  /** RxNorm normalized name, first letter capitalized. */
  readonly display: string;
  /** Patient-facing directions ("sig") that fit the dose form. */
  readonly sig: string;
  readonly audience: MedicationAudience;
}

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/**
 * Common outpatient clinical drugs. Codes and names follow RxNorm (as used by Synthea's medication modules), so the
 * data looks like what a real EHR would hold and terminology look-ups in tests behave as they would in production.
 */
export const MEDICATIONS: readonly MedicationEntry[] = [
  // Antihypertensives: ACE inhibitors and angiotensin receptor blockers.
  {
    code: '314076',
    display: 'Lisinopril 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '311354',
    display: 'Lisinopril 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '314077',
    display: 'Lisinopril 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '197884',
    display: 'Lisinopril 40 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '979485',
    display: 'Losartan potassium 25 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '979492',
    display: 'Losartan potassium 50 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '979480',
    display: 'Losartan potassium 100 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '200095',
    display: 'Irbesartan 150 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '312748',
    display: 'Quinapril 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '261962',
    display: 'Ramipril 10 MG Oral Capsule',
    sig: 'Take 1 capsule by mouth once daily',
    audience: 'adult',
  },
  // Other antihypertensives and beta blockers.
  {
    code: '197361',
    display: 'Amlodipine 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '310798',
    display: 'Hydrochlorothiazide 25 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every morning',
    audience: 'adult',
  },
  {
    code: '866427',
    display: '24 HR metoprolol succinate 25 MG Extended Release Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily; do not crush or chew',
    audience: 'adult',
  },
  {
    code: '866436',
    display: '24 HR metoprolol succinate 50 MG Extended Release Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily; do not crush or chew',
    audience: 'adult',
  },
  {
    code: '866412',
    display: '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily; do not crush or chew',
    audience: 'adult',
  },
  // Statins.
  {
    code: '617310',
    display: 'Atorvastatin 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '617311',
    display: 'Atorvastatin 40 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '259255',
    display: 'Atorvastatin 80 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '314231',
    display: 'Simvastatin 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every evening',
    audience: 'adult',
  },
  {
    code: '312961',
    display: 'Simvastatin 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every evening',
    audience: 'adult',
  },
  {
    code: '198211',
    display: 'Simvastatin 40 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every evening',
    audience: 'adult',
  },
  {
    code: '859424',
    display: 'Rosuvastatin calcium 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '859747',
    display: 'Rosuvastatin calcium 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '859751',
    display: 'Rosuvastatin calcium 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '904467',
    display: 'Pravastatin sodium 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth at bedtime',
    audience: 'adult',
  },
  {
    code: '904475',
    display: 'Pravastatin sodium 40 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth at bedtime',
    audience: 'adult',
  },
  {
    code: '197904',
    display: 'Lovastatin 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth with the evening meal',
    audience: 'adult',
  },
  // Diabetes, antiplatelets and anticoagulants.
  {
    code: '860975',
    display: '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily with the evening meal',
    audience: 'adult',
  },
  { code: '243670', display: 'Aspirin 81 MG Oral Tablet', sig: 'Take 1 tablet by mouth once daily', audience: 'adult' },
  {
    code: '309362',
    display: 'Clopidogrel 75 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
    audience: 'adult',
  },
  {
    code: '855332',
    display: 'Warfarin sodium 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily in the evening or as directed by the anticoagulation clinic',
    audience: 'adult',
  },
  // Analgesics.
  {
    code: '313782',
    display: 'Acetaminophen 325 MG Oral Tablet',
    sig: 'Take 2 tablets by mouth every 6 hours as needed for pain; do not exceed 3,000 mg per day',
    audience: 'adult',
  },
  {
    code: '282464',
    display: 'Acetaminophen 160 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every 6 hours as needed for pain or fever',
    audience: 'pediatric',
  },
  {
    code: '310965',
    display: 'Ibuprofen 200 MG Oral Tablet',
    sig: 'Take 2 tablets by mouth every 6 hours as needed for pain with food',
    audience: 'adult',
  },
  {
    code: '198405',
    display: 'Ibuprofen 100 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every 6 to 8 hours as needed for pain or fever with food',
    audience: 'pediatric',
  },
  {
    code: '849574',
    display: 'Naproxen sodium 220 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every 12 hours as needed for pain with food',
    audience: 'adult',
  },
  // Antibiotics (short courses).
  {
    code: '308182',
    display: 'Amoxicillin 250 MG Oral Capsule',
    sig: 'Take 1 capsule by mouth twice daily for 10 days',
    audience: 'any',
  },
  {
    code: '308192',
    display: 'Amoxicillin 500 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth three times daily for 10 days',
    audience: 'adult',
  },
  {
    code: '309097',
    display: 'Cefuroxime 250 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth twice daily for 10 days',
    audience: 'any',
  },
  {
    code: '1650142',
    display: 'Doxycycline monohydrate 100 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth twice daily for 14 days with a full glass of water',
    audience: 'adult',
  },
  // Antihistamines.
  {
    code: '311372',
    display: 'Loratadine 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily as needed for allergies',
    audience: 'adult',
  },
  {
    code: '665078',
    display: 'Loratadine 5 MG Chewable Tablet',
    sig: 'Chew 1 tablet once daily as needed for allergies',
    audience: 'pediatric',
  },
  {
    code: '1014678',
    display: 'Cetirizine hydrochloride 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily as needed for allergies',
    audience: 'adult',
  },
  {
    code: '1014676',
    display: 'Cetirizine hydrochloride 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily as needed for allergies',
    audience: 'pediatric',
  },
  {
    code: '997501',
    display: 'Fexofenadine hydrochloride 60 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth twice daily as needed for allergies',
    audience: 'adult',
  },
];

/**
 * Three-digit ZIP prefixes whose population is 20,000 or fewer. HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(B))
 * requires these to be replaced by 000 when de-identifying, so some patients must live in them for that path to be
 * exercised. Each prefix is paired with the state it belongs to so the address stays self-consistent.
 */
export const SPARSE_ZIP3: readonly { readonly prefix: string; readonly state: string }[] = [
  { prefix: '036', state: 'NH' },
  { prefix: '059', state: 'VT' },
  { prefix: '063', state: 'CT' },
  { prefix: '102', state: 'NY' },
  { prefix: '203', state: 'DC' },
  { prefix: '556', state: 'MN' },
  { prefix: '692', state: 'NE' },
  { prefix: '790', state: 'TX' },
  { prefix: '821', state: 'WY' },
  { prefix: '823', state: 'WY' },
  { prefix: '830', state: 'WY' },
  { prefix: '831', state: 'WY' },
  { prefix: '878', state: 'NM' },
  { prefix: '879', state: 'NM' },
  { prefix: '884', state: 'NM' },
  { prefix: '890', state: 'NV' },
  { prefix: '893', state: 'NV' },
];

/**
 * The hospital's catchment: most patients live near it (Boston here), spread over the eastern
 * Massachusetts ZIP3s, as a real hospital's population is; the rest come from anywhere.
 */
export const HOME_AREA = {
  state: 'MA',
  share: 0.6,
  prefixes: ['017', '018', '019', '020', '021', '022', '023', '024'],
} as const;

/** Domains reserved for documentation by RFC 2606, so no generated address can ever reach a real mailbox. */
export const RESERVED_EMAIL_DOMAINS: readonly string[] = ['example.org', 'example.com', 'example.net'];

/**
 * Template placeholders, filled by the generator:
 * {sys} {dia} {hr} {rr} {temp} {spo2} {pain} {a1c} {days} {weeks} {condition} {admitReason} {severity} {stressor}
 * {mood} {sleep}.
 */
export const CONDITIONS: readonly string[] = [
  'essential hypertension',
  'type 2 diabetes mellitus',
  'hyperlipidemia',
  'chronic obstructive pulmonary disease',
  'mild persistent asthma',
  'osteoarthritis of the knee',
  'community-acquired pneumonia',
  'urinary tract infection',
  'congestive heart failure',
  'atrial fibrillation',
  'chronic kidney disease stage 3',
  'gastroesophageal reflux disease',
  'hypothyroidism',
  'acute bronchitis',
  'cellulitis of the lower leg',
  'chronic low back pain',
  'migraine without aura',
  'seasonal allergic rhinitis',
  'acute otitis media',
  'iron deficiency anemia',
];

/** Reasons for an inpatient stay, used by discharge summaries (outpatient-only problems would be implausible). */
export const ADMISSION_REASONS: readonly string[] = [
  'community-acquired pneumonia',
  'decompensated congestive heart failure',
  'an exacerbation of chronic obstructive pulmonary disease',
  'cellulitis of the lower leg',
  'atrial fibrillation with rapid ventricular response',
  'acute pyelonephritis',
  'dehydration and acute kidney injury',
  'syncope',
  'diabetic ketoacidosis',
  'a fractured hip',
];

export const SEVERITIES: readonly string[] = ['mild', 'moderate', 'intermittent', 'occasional'];
export const STRESSORS: readonly string[] = [
  'workplace conflict',
  'caregiving responsibilities',
  'a recent bereavement',
  'financial strain',
  'social isolation',
  'a recent job loss',
  'academic pressure',
];
export const MOODS: readonly string[] = ['low', 'anxious', 'euthymic', 'irritable', 'somewhat improved', 'stable'];
export const SLEEP_QUALITIES: readonly string[] = ['poor', 'fragmented', 'adequate', 'improved', 'restless'];

/** Vital-sign sentences shared by progress and nursing notes. */
export const VITALS_TEMPLATES: readonly string[] = [
  'BP {sys}/{dia} mmHg, HR {hr} bpm, RR {rr}, temperature {temp} F, SpO2 {spo2}% on room air.',
  'Vital signs: blood pressure {sys}/{dia}, pulse {hr}, respirations {rr}, oxygen saturation {spo2}%.',
  'Afebrile at {temp} F with heart rate {hr} and blood pressure {sys}/{dia}.',
  'Vitals reviewed and within acceptable limits; BP {sys}/{dia}, HR {hr}.',
  'Temperature {temp} F, pulse {hr} and regular, SpO2 {spo2}% on room air.',
];

export const ASSESSMENT_TEMPLATES: readonly string[] = [
  'Assessment: {condition}, clinically stable.',
  'Symptoms related to {condition} have improved since the last visit.',
  'Presentation is consistent with {condition} without signs of acute decompensation.',
  'Findings suggest a mild flare of {condition}.',
  'Reports {severity} fatigue and headaches over the past {days} days.',
  'No chest pain, shortness of breath, or fever reported.',
  'Lungs are clear to auscultation bilaterally and heart sounds are regular.',
  'Abdomen is soft and non-tender; no peripheral edema noted.',
  'Labs reviewed; hemoglobin A1c is {a1c}% and renal function is stable.',
];

export const PLAN_TEMPLATES: readonly string[] = [
  'Plan: continue current medications and follow up in {weeks} weeks.',
  'Will titrate therapy based on home blood pressure readings.',
  'Ordered a basic metabolic panel and lipid panel before the next visit.',
  'Counseled on diet, exercise, and medication adherence.',
  'Referred to physical therapy for strengthening and mobility.',
  'Return precautions reviewed; seek care for worsening symptoms.',
  'Recheck in {weeks} weeks or sooner if symptoms worsen.',
  'Adjusted dosing and reviewed potential side effects.',
];

export const NURSING_TEMPLATES: readonly string[] = [
  'Resting comfortably in bed with call light within reach.',
  'Pain rated {pain}/10; repositioned and comfort measures provided.',
  'Tolerating oral intake well; intake and output recorded.',
  'Ambulated in hallway with standby assistance, gait steady.',
  'IV site clean, dry, and intact without redness or swelling.',
  'Medications administered as ordered; no adverse reactions observed.',
  'Skin intact; pressure injury prevention measures in place.',
  'Fall precautions maintained and bed in lowest position.',
  'Educated on incentive spirometer use and demonstrated understanding.',
];

export const DISCHARGE_ADMISSION_TEMPLATES: readonly string[] = [
  'Admitted for {admitReason} and treated with supportive care.',
  'Hospitalized for management of {admitReason}.',
  'Admitted through the emergency department with {admitReason}.',
];
export const DISCHARGE_COURSE_TEMPLATES: readonly string[] = [
  'Hospital course was uncomplicated and symptoms resolved.',
  'Responded well to treatment and remained hemodynamically stable.',
  'Course complicated by brief nausea, which resolved with supportive care.',
];
export const DISCHARGE_DISPOSITION_TEMPLATES: readonly string[] = [
  'Discharged home in stable condition after {days} days.',
  'Discharged to home with family support after a {days}-day stay.',
  'Discharged to a skilled nursing facility for ongoing rehabilitation.',
];
export const DISCHARGE_FOLLOW_UP_TEMPLATES: readonly string[] = [
  'Discharge medications reconciled and reviewed at the bedside.',
  'Follow up with primary care within {weeks} weeks of discharge.',
  'Home health referral placed for medication management.',
  'Instructed to return for fever, chest pain, or shortness of breath.',
];

export const PSYCHOTHERAPY_FOCUS_TEMPLATES: readonly string[] = [
  'Session focused on coping strategies for {stressor}.',
  'Continued work on processing {stressor}.',
  'Reviewed progress toward treatment goals related to {stressor}.',
];
export const PSYCHOTHERAPY_MOOD_TEMPLATES: readonly string[] = [
  'Mood described as {mood} with {sleep} sleep over the past week.',
  'Affect congruent with {mood} mood; sleep reported as {sleep}.',
];
export const PSYCHOTHERAPY_INTERVENTION_TEMPLATES: readonly string[] = [
  'Explored cognitive distortions related to work and family stressors.',
  'Practiced grounding and paced breathing exercises during the session.',
  'Used motivational interviewing to address ambivalence about change.',
];
export const PSYCHOTHERAPY_RISK_TEMPLATES: readonly string[] = [
  'Denies suicidal or homicidal ideation; safety plan reviewed.',
  'No safety concerns identified at this time.',
];
export const PSYCHOTHERAPY_PLAN_TEMPLATES: readonly string[] = [
  'Homework: continue thought records and daily activity scheduling.',
  'Next session scheduled in {weeks} weeks.',
];

/**
 * Sentences used only when every template of a section collides with a patient's name (for example a family name
 * that happens to be a common English word). They are nothing but abbreviations and numbers, so no name can match.
 */
export const FALLBACK_SENTENCES: readonly string[] = ['BP {sys}/{dia}, HR {hr}, RR {rr}.', 'SpO2 {spo2}%, T {temp} F.'];
