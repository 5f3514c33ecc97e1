import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createLogger,
  FieldCipher,
  FileKeyProvider,
  Keyring,
  mustSeal,
  normalise,
  open,
  readPhiClasses,
  readSchema,
  seal,
  SealedValueError,
  sealedVersion,
  sealPlan,
  sealState,
  openState,
} from '@ehr/common';
import { getMetadataArgsStorage } from 'typeorm';
import * as audit from '@ehr/subgraph-audit';
import * as medication from '@ehr/subgraph-medication';
import * as notes from '@ehr/subgraph-notes';
import * as patient from '@ehr/subgraph-patient';

const key = Buffer.alloc(32, 7);
const ctx = { table: 'patient', column: 'ssn', rowId: 'row-1' };
const keyOf = (v: number) => (v === 1 ? key : undefined);

describe('sealed field values (AES-256-GCM)', () => {
  it('opens what it sealed, and never gives the same ciphertext twice (generated)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const a = seal(key, 1, text, ctx);
        const b = seal(key, 1, text, ctx);
        expect(a).not.toBe(b);
        expect(open(keyOf, a, ctx)).toBe(text);
        expect(sealedVersion(a)).toBe(1);
        expect(a).not.toContain(text.length > 3 ? text : '\u0000never');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a flipped bit, a short tag, another row, column, table or key version: an error, never wrong data (generated)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.nat(), (text, n) => {
        const sealed = seal(key, 1, text, ctx);
        const raw = Buffer.from(sealed.slice(5), 'base64url');
        const flipped = Buffer.from(raw);
        flipped[n % raw.length]! ^= 1 << (n % 8);
        expect(() => open(keyOf, `enc1:${flipped.toString('base64url')}`, ctx)).toThrow(SealedValueError);
        expect(() =>
          open(keyOf, `enc1:${raw.subarray(0, raw.length - 1 - (n % 8)).toString('base64url')}`, ctx),
        ).toThrow(SealedValueError);
        expect(() => open(keyOf, sealed, { ...ctx, rowId: 'row-2' })).toThrow(SealedValueError);
        expect(() => open(keyOf, sealed, { ...ctx, column: 'phone' })).toThrow(SealedValueError);
        expect(() => open(keyOf, sealed, { ...ctx, table: 'practitioner' })).toThrow(SealedValueError);
        // Relabelled as written under another version that the ring holds under the same key.
        const relabelled = Buffer.from(raw);
        relabelled.writeUInt32BE(2, 1);
        expect(() => open(() => key, `enc1:${relabelled.toString('base64url')}`, ctx)).toThrow(SealedValueError);
      }),
      { numRuns: 200 },
    );
  });

  it('seals audit states the same way, bound to their record: another record or column does not open them', () => {
    const state = { id: 'n1', text: 'Progress note: 972-80-1460' };
    const sealed = sealState(key, state, 'record-1', 'after_state');
    expect(sealed.startsWith('enc1:')).toBe(true);
    expect(sealed).not.toContain('972-80');
    expect(openState(key, sealed, 'record-1', 'after_state')).toEqual(state);
    expect(() => openState(key, sealed, 'record-2', 'after_state')).toThrow(SealedValueError);
    expect(() => openState(key, sealed, 'record-1', 'before_state')).toThrow(SealedValueError);
  });

  it('keys blind indexes per index, on the value a person would call the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-keys-'));
    const provider = FileKeyProvider.open(path.join(dir, 'master.key'));
    const ring = await Keyring.open(path.join(dir, 'keyring.json'), provider, createLogger('t', 'silent'));
    const cipher = new FieldCipher(() => ring);
    expect(cipher.blindIndex('ssn', '123-45-6789')).toBe(cipher.blindIndex('ssn', '123456789'));
    expect(cipher.blindIndex('email', ' Ann@Example.org ')).toBe(cipher.blindIndex('email', 'ann@example.org'));
    // The same digits under another index's key give another index value.
    expect(cipher.blindIndex('phone', '123456789')).not.toBe(cipher.blindIndex('ssn', '123456789'));
    expect(cipher.blindIndex('ssn', '---')).toBeUndefined();
    expect(normalise('mrn', ' mrn-00012 ')).toBe('MRN-00012');
    // The keyring file holds only wrapped keys, and its files are private.
    const text = fs.readFileSync(path.join(dir, 'keyring.json'), 'utf8');
    expect(text).not.toContain(ring.primaryKey.toString('base64'));
    expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dir, 'keyring.json')).mode & 0o077).toBe(0);
    // Another master key cannot open this keyring.
    const other = FileKeyProvider.open(path.join(dir, 'other.key'));
    await expect(Keyring.open(path.join(dir, 'keyring.json'), other, createLogger('t', 'silent'))).rejects.toThrow(
      /does not open/,
    );
  });
});

describe('which columns are sealed comes from the @phi classification', () => {
  const subgraphs = [
    { name: 'patient', mod: patient, schemaFile: patient.patientSubgraph.schemaFile },
    { name: 'medication', mod: medication, schemaFile: medication.medicationSubgraph.schemaFile },
    { name: 'notes', mod: notes, schemaFile: notes.notesSubgraph.schemaFile },
    { name: 'audit', mod: audit, schemaFile: audit.auditSubgraph.schemaFile },
  ];
  /** Columns left in the clear that no stored field names: keys, and what scopes or orders rows. */
  const CLEAR =
    /^(id|.*_id|.*_index|created_at|sequence|granted_at|expires_at|reviewed_by|reviewed_at|outcome|actor_id|disabled|changed_at|changed_by|period_start|period_end|authored_on|authored_at|end_date|type|status|role|qualification|code|code_system|display|payer|plan_name|gender|state)$/;

  it.each(subgraphs)(
    '$name: every stored identifier and free text is sealed, and every column is accounted for',
    ({ mod, schemaFile }) => {
      const { classes } = readPhiClasses(buildSubgraphSchema({ typeDefs: readSchema(schemaFile) }));
      const plan = sealPlan(mod.stores, classes);
      expect(plan.problems).toEqual([]);
      for (const t of mod.stores) {
        const sealed = plan.tables.get(t.entity)!.sealed.map((f) => f.column);
        for (const f of t.fields)
          expect([f.column, sealed.includes(f.column)]).toEqual([f.column, mustSeal(classes.get(f.field)!)]);
        const columns = getMetadataArgsStorage()
          .columns.filter((c) => c.target === t.entity)
          .map((c) => c.options.name ?? c.propertyName.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`));
        const stored = new Set(t.fields.map((f) => f.column));
        expect(columns.filter((c) => !stored.has(c) && !CLEAR.test(c))).toEqual([]);
      }
    },
  );

  it('seals names, SSN, MRN, phone, e-mail, street lines, city, birth date, ZIP, member ids, dosage, note text and masked forms', () => {
    const sealed = subgraphs.flatMap(({ mod, schemaFile }) => {
      const { classes } = readPhiClasses(buildSubgraphSchema({ typeDefs: readSchema(schemaFile) }));
      return [...sealPlan(mod.stores, classes).tables.values()].flatMap((t) =>
        t.sealed.map((f) => `${t.table}.${f.column}`),
      );
    });
    expect(sealed.sort()).toEqual(
      [
        'patient.mrn',
        'patient.given_names',
        'patient.family',
        'patient.birth_date',
        'patient.ssn',
        'patient.phone',
        'patient.email',
        'patient.address_lines',
        'patient.city',
        'patient.postal_code',
        'practitioner.given_names',
        'practitioner.family',
        'coverage.member_id',
        'coverage.group_number',
        // The masked forms of masked identifiers, sealed like the values they mask.
        'patient.mrn_masked',
        'patient.birth_date_masked',
        'patient.ssn_masked',
        'patient.phone_masked',
        'patient.email_masked',
        'coverage.member_id_masked',
        'coverage.group_number_masked',
        'medication_request.dosage_text',
        'clinical_note.text',
        'break_glass_grant.reason',
        'break_glass_grant.review_comment',
        'account_status.reason',
      ].sort(),
    );
  });

  it('refuses a masked-form column that cannot be kept (no such value, another field, a mask made of several values)', () => {
    const { classes } = readPhiClasses(
      buildSubgraphSchema({ typeDefs: readSchema(patient.patientSubgraph.schemaFile) }),
    );
    class Row {}
    const plan = sealPlan(
      [
        {
          entity: Row,
          table: 'patient',
          fields: [
            { property: 'ssn', column: 'ssn', field: 'Patient.ssn' },
            { property: 'a', column: 'a', field: 'Patient.ssn', maskOf: 'nothing' },
            { property: 'b', column: 'b', field: 'Patient.phone', maskOf: 'ssn' },
            { property: 'c', column: 'c', field: 'Patient.name', maskOf: 'name' },
            { property: 'name', column: 'name', field: 'Patient.name' },
            { property: 'd', column: 'd', field: 'Patient.ssn', maskOf: 'ssn' },
          ],
        },
      ],
      classes,
    );
    expect(plan.problems).toEqual([
      'patient.a cannot keep the masked form of nothing',
      'patient.b cannot keep the masked form of ssn',
      'patient.c cannot keep the masked form of name',
    ]);
    expect(plan.tables.get(Row)!.masked.map((m) => [m.form.column, m.source.column, m.style])).toEqual([
      ['d', 'ssn', 'SSN'],
    ]);
  });
});
