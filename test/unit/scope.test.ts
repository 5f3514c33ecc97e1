import { RecordScope, type Identity } from '@ehr/common';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';

function identity(extra: Partial<Identity>): Identity {
  return {
    sub: 's',
    roles: ['physician'],
    practitionerId: '33333333-3333-4333-8333-333333333333',
    sid: 'sid',
    auditId: 'a',
    requestId: 'r',
    clientIp: '127.0.0.1',
    breakGlass: [],
    deidentified: false,
    ...extra,
  };
}

describe('RecordScope', () => {
  const onTeam = (ids: readonly string[]) => Promise.resolve(ids.map((id) => id === P1));

  it('lets a clinician reach their care team and asks them to break the glass elsewhere', async () => {
    const scope = new RecordScope(identity({}), (_p, ids) => onTeam(ids));
    expect(await scope.check(P1)).toBe('in');
    expect(await scope.check(P2)).toBe('break_glass_required');
  });

  it('batches care-team questions: one call for many patients', async () => {
    const calls: number[] = [];
    const scope = new RecordScope(identity({}), (_p, ids) => (calls.push(ids.length), onTeam(ids)));
    await Promise.all([scope.check(P1), scope.check(P2), scope.check(P1)]);
    expect(calls).toEqual([2]);
  });

  it('honours a break-glass grant for its patient until it expires', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z');
    const grant = { grantId: 'g', patientId: P2, expiresAt: now / 1000 + 3600 };
    const scope = () =>
      new RecordScope(
        identity({ breakGlass: [grant] }),
        (_p, ids) => onTeam(ids),
        () => now,
      );
    expect(await scope().check(P2)).toBe('in');
    now += 3601_000;
    expect(await scope().check(P2)).toBe('break_glass_required');
  });

  it('gives a patient only their own record and everyone else nothing, without saying why', async () => {
    const patient = new RecordScope(identity({ roles: ['patient'], patientId: P1, practitionerId: undefined }), () => {
      throw new Error('a patient never asks about care teams');
    });
    expect(await patient.check(P1)).toBe('in');
    expect(await patient.check(P2)).toBe('not_found');
    for (const role of ['auditor', 'admin', 'analyst'] as const) {
      const s = new RecordScope(identity({ roles: [role], practitionerId: undefined }), () => Promise.resolve([]));
      expect(await s.check(P1)).toBe('not_found');
    }
    const billing = new RecordScope(identity({ roles: ['billing'], practitionerId: undefined }), () =>
      Promise.resolve([]),
    );
    expect(await billing.check(P2)).toBe('in');
  });

  it('fails closed when the care-team owner cannot answer', async () => {
    const scope = new RecordScope(identity({}), () => Promise.reject(new Error('patient subgraph down')));
    await expect(scope.check(P1)).rejects.toThrow();
  });
});
