import type { StoredTable } from '@ehr/common';
import { CoverageRecord } from './coverage.js';
import { PatientRecord } from './patient.js';
import { PractitionerRecord } from './practitioner.js';

/**
 * Which schema field each column stores. Whether a column is sealed is not decided here: the
 * field's @phi classification decides (crypto/sealed-columns.ts `mustSeal`), and a stored field
 * without one refuses the start. Keys, foreign keys and dates used to order or scope rows are
 * not listed (test/unit/sealed-columns.test.ts lists what is left in the clear and why). A
 * `maskOf` column keeps the masked form of another (sealed too): masked reads open only that.
 */
export const stores: StoredTable[] = [
  {
    entity: PatientRecord,
    table: 'patient',
    fields: [
      { property: 'mrn', column: 'mrn', field: 'Patient.mrn', index: { name: 'mrn', property: 'mrnIndex' } },
      { property: 'givenNames', column: 'given_names', field: 'HumanName.given', json: true },
      { property: 'family', column: 'family', field: 'HumanName.family' },
      { property: 'birthDate', column: 'birth_date', field: 'Patient.birthDate' },
      { property: 'gender', column: 'gender', field: 'Patient.gender' },
      { property: 'ssn', column: 'ssn', field: 'Patient.ssn', index: { name: 'ssn', property: 'ssnIndex' } },
      { property: 'phone', column: 'phone', field: 'Patient.phone', index: { name: 'phone', property: 'phoneIndex' } },
      { property: 'email', column: 'email', field: 'Patient.email', index: { name: 'email', property: 'emailIndex' } },
      { property: 'addressLines', column: 'address_lines', field: 'Address.line', json: true },
      { property: 'city', column: 'city', field: 'Address.city' },
      { property: 'state', column: 'state', field: 'Address.state' },
      { property: 'postalCode', column: 'postal_code', field: 'Address.postalCode' },
      { property: 'mrnMasked', column: 'mrn_masked', field: 'Patient.mrn', maskOf: 'mrn' },
      { property: 'birthDateMasked', column: 'birth_date_masked', field: 'Patient.birthDate', maskOf: 'birthDate' },
      { property: 'ssnMasked', column: 'ssn_masked', field: 'Patient.ssn', maskOf: 'ssn' },
      { property: 'phoneMasked', column: 'phone_masked', field: 'Patient.phone', maskOf: 'phone' },
      { property: 'emailMasked', column: 'email_masked', field: 'Patient.email', maskOf: 'email' },
    ],
  },
  {
    entity: PractitionerRecord,
    table: 'practitioner',
    fields: [
      { property: 'givenNames', column: 'given_names', field: 'HumanName.given', json: true },
      { property: 'family', column: 'family', field: 'HumanName.family' },
    ],
  },
  {
    entity: CoverageRecord,
    table: 'coverage',
    fields: [
      { property: 'memberId', column: 'member_id', field: 'Coverage.memberId' },
      { property: 'groupNumber', column: 'group_number', field: 'Coverage.groupNumber' },
      { property: 'payer', column: 'payer', field: 'Coverage.payer' },
      { property: 'planName', column: 'plan_name', field: 'Coverage.planName' },
      { property: 'memberIdMasked', column: 'member_id_masked', field: 'Coverage.memberId', maskOf: 'memberId' },
      {
        property: 'groupNumberMasked',
        column: 'group_number_masked',
        field: 'Coverage.groupNumber',
        maskOf: 'groupNumber',
      },
    ],
  },
];
