import {
  AUDIT_ACTIONS,
  auditRecordSchema,
  buildAuditRecord,
  recordFields,
  recordRows,
  recordText,
  worstOutcome,
  type AuditRecordDraft,
  type EntityAccess,
} from '@ehr/common';
import fc from 'fast-check';
import { auditRecord } from '../helpers/audit-records';

/** Any text a caller can put in a request: names, agents, ids; long, non-ASCII, control characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 2000 }),
  fc.string({ unit: 'binary-ascii', minLength: 100, maxLength: 12_000 }),
  fc.constantFrom('é'.repeat(200), 'e\u0301'.repeat(100), '\u0000\u001b[31m', '\ud83d'.repeat(300), '😀'.repeat(100)),
);
const outcome = fc.constantFrom('CLEAR', 'MASKED', 'DENIED', 'ERROR' as const);

const draft: fc.Arbitrary<AuditRecordDraft> = fc.record({
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  actorId: anyText,
  roles: fc.array(anyText, { maxLength: 14 }),
  action: fc.constantFrom(...AUDIT_ACTIONS),
  auditId: anyText,
  requestId: anyText,
  subgraph: anyText,
  patientId: fc.option(anyText, { nil: null }),
  entityType: fc.option(anyText, { nil: null }),
  entityId: fc.option(anyText, { nil: null }),
  purpose: anyText,
  fields: fc.array(fc.record({ path: anyText, outcome }), { maxLength: 520 }),
  outcome,
  operationName: fc.option(anyText, { nil: null }),
  operationHash: fc.option(anyText, { nil: null }),
  ipAddress: anyText,
  userAgent: fc.option(anyText, { nil: null }),
  beforeState: fc.constant(null),
  afterState: fc.constant(null),
});

describe('buildAuditRecord', () => {
  it('always builds a record the intake accepts, whatever the caller sent (generated)', () => {
    fc.assert(
      fc.property(draft, (d) => {
        const parsed = auditRecordSchema.safeParse(buildAuditRecord(d));
        if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps short clean values as they are and cuts long ones on a code point, hash-tagged', () => {
    expect(recordText('physician-1', 128)).toBe('physician-1');
    const long = `Op${'x'.repeat(150)}__patient__0`;
    const cut = recordText(long, 128);
    expect(cut).toHaveLength(128);
    expect(cut).toMatch(/^Opx+~[0-9a-f]{16}$/);
    // The same value always cuts the same way; two values sharing the kept prefix stay distinct.
    expect(recordText(long, 128)).toBe(cut);
    expect(recordText(`${long}1`, 128)).not.toBe(cut);
    // No surrogate pair is split, and control characters never reach the log.
    for (const t of [recordText('😀'.repeat(100), 128), recordText('a\u0000b\u001b[31m\u0085', 128)]) {
      // eslint-disable-next-line no-control-regex
      expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(t).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    }
    expect(recordText('e\u0301', 10)).toBe('é');
  });

  it('refuses text that is not well-formed (a lone surrogate MySQL would store as U+FFFD, breaking the chain)', () => {
    const good = auditRecord({ userAgent: 'agent \ud83d\ude00' });
    expect(auditRecordSchema.safeParse(good).success).toBe(true);
    for (const bad of ['bad \ud800 agent', '\udc00', 'x\ud83d']) {
      expect(auditRecordSchema.safeParse({ ...good, userAgent: bad }).success).toBe(false);
      expect(auditRecordSchema.safeParse({ ...good, entities: [{ type: bad, id: 'i', fields: [] }] }).success).toBe(
        false,
      );
    }
  });

  it('stores rows that carried the same fields as one entry and reads back every row and the fields (generated)', () => {
    const row: fc.Arbitrary<EntityAccess> = fc.record({
      type: fc.constantFrom('Patient', 'MedicationRequest', 'ClinicalNote'),
      id: fc.uuid(),
      fields: fc.uniqueArray(fc.record({ path: fc.constantFrom('X.id', 'X.status', 'X.text', 'X.ssn'), outcome }), {
        selector: (f) => f.path,
        maxLength: 4,
      }),
    });
    fc.assert(
      fc.property(
        draft,
        fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 60 }),
        fc.boolean(),
        (d, rows, asPlugin) => {
          // As the plugin writes them (the record's fields are the rows' union), or with other fields.
          const union = new Map<string, EntityAccess['fields'][number]['outcome']>();
          for (const r of rows) for (const f of r.fields) union.set(f.path, worstOutcome(union.get(f.path), f.outcome));
          const fields = asPlugin ? [...union].map(([path, o]) => ({ path, outcome: o })) : d.fields.slice(0, 3);
          const built = buildAuditRecord({ ...d, fields, entities: rows });
          expect(auditRecordSchema.safeParse(built).success).toBe(true);
          const key = (r: EntityAccess) => `${r.type}/${r.id}/${JSON.stringify(r.fields)}`;
          expect(recordRows(built.entities).map(key).sort()).toEqual(rows.map(key).sort());
          // With rows, the record's fields are their union (as the contract says), whatever was given.
          const expected = rows.length > 0 ? [...union].map(([path, o]) => ({ path, outcome: o })) : fields;
          expect(recordFields(built)).toEqual(
            expected.map((f) => ({ path: recordText(f.path, 128), outcome: f.outcome })),
          );
          // Rows with the same type and fields share one entry.
          const distinct = new Set(rows.map((r) => `${r.type}/${JSON.stringify(r.fields)}`));
          expect(built.entities).toHaveLength(distinct.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a grouped record that would read back too large, or an entry with both id and ids', () => {
    const base = auditRecord({ fields: [] });
    const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const fields = Array.from({ length: 200 }, (_, i) => ({ path: `X.f${i}`, outcome: 'CLEAR' as const }));
    // 1000 rows x 200 fields in one entry: 71 KB sent, 200,000 entries read back.
    expect(auditRecordSchema.safeParse({ ...base, entities: [{ type: 'X', ids, fields }] }).success).toBe(false);
    expect(
      auditRecordSchema.safeParse({ ...base, entities: [{ type: 'X', ids: ids.slice(0, 100), fields }] }).success,
    ).toBe(true);
    expect(
      auditRecordSchema.safeParse({ ...base, entities: [{ type: 'X', id: ids[0], ids: [ids[1]], fields: [] }] })
        .success,
    ).toBe(false);
    // The builder keeps what it writes within the bound (the plugin splits rows so it never has to).
    const built = buildAuditRecord({
      ...base,
      entities: ids.map((id) => ({ type: 'X', id, fields })),
    });
    expect(auditRecordSchema.safeParse(built).success).toBe(true);
    expect(recordRows(built.entities)).toHaveLength(100);
  });
});
