import { AUDIT_ACTIONS, auditRecordSchema, buildAuditRecord, recordText, type AuditRecordDraft } from '@ehr/common';
import fc from 'fast-check';

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
    const good = buildAuditRecord({
      occurredAt: new Date(0).toISOString(),
      actorId: 'physician-1',
      roles: ['physician'],
      action: 'READ',
      auditId: 'a',
      requestId: 'r',
      subgraph: 'patient',
      patientId: null,
      entityType: null,
      entityId: null,
      purpose: 'TREATMENT',
      fields: [],
      outcome: 'CLEAR',
      operationName: null,
      operationHash: null,
      ipAddress: '127.0.0.1',
      userAgent: 'agent \ud83d\ude00',
      beforeState: null,
      afterState: null,
    });
    expect(auditRecordSchema.safeParse(good).success).toBe(true);
    for (const bad of ['bad \ud800 agent', '\udc00', 'x\ud83d']) {
      expect(auditRecordSchema.safeParse({ ...good, userAgent: bad }).success).toBe(false);
      expect(auditRecordSchema.safeParse({ ...good, entities: [{ type: bad, id: 'i', fields: [] }] }).success).toBe(
        false,
      );
    }
  });
});
