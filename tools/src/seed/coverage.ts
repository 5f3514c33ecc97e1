import { Faker, base, en } from '@faker-js/faker';
import type { GeneratedPatient } from './generate.js';

export interface GeneratedCoverage {
  id: string;
  patientId: string;
  payer: string;
  planName: string;
  memberId: string;
  groupNumber: string | null;
  status: 'active' | 'cancelled';
  periodStart: string;
  periodEnd: string | null;
}

const PAYERS: readonly (readonly [string, readonly string[]])[] = [
  ['Aetna', ['Open Access Select', 'Medicare Advantage PPO']],
  ['Blue Cross Blue Shield', ['Blue Choice PPO', 'BlueCare HMO']],
  ['Cigna', ['Open Access Plus', 'Connect HMO']],
  ['UnitedHealthcare', ['Choice Plus', 'Navigate HMO']],
  ['Humana', ['Gold Plus HMO', 'Choice PPO']],
  ['Medicaid', ['State Medicaid']],
  ['Medicare', ['Original Medicare Part B']],
];

/**
 * One to two health plans per patient, deterministic for a seed (its own random stream, so adding
 * coverage changes nothing else the generator makes). Member numbers are synthetic.
 */
export function generateCoverage(patients: readonly GeneratedPatient[], seed: number): GeneratedCoverage[] {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed ^ 0x5eed);
  const rows: GeneratedCoverage[] = [];
  for (const p of patients) {
    const count = faker.number.int({ min: 1, max: 10 }) <= 8 ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const [payer, plans] = faker.helpers.arrayElement(PAYERS);
      const start = faker.date.between({ from: '2019-01-01', to: '2025-06-30' }).toISOString().slice(0, 10);
      const cancelled = i > 0;
      rows.push({
        id: faker.string.uuid(),
        patientId: p.id,
        payer,
        planName: faker.helpers.arrayElement(plans),
        memberId: `${faker.string.alpha({ length: 3, casing: 'upper' })}${faker.string.numeric(9)}`,
        groupNumber: payer.startsWith('Medic') ? null : faker.string.numeric(6),
        status: cancelled ? 'cancelled' : 'active',
        periodStart: start,
        periodEnd: cancelled ? faker.date.between({ from: start, to: '2025-12-31' }).toISOString().slice(0, 10) : null,
      });
    }
  }
  return rows;
}
