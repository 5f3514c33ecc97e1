import { RecordScope, type Identity } from '@ehr/common';
import { ROLES, type Role } from '@ehr/policy';
import fc from 'fast-check';

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

  it('lists exactly what it lets in by id: one scope model for listings and lookups (generated)', async () => {
    const pool = ['11111111-1111-4111-8111-1111111111a1', '22222222-2222-4222-8222-2222222222b2', P1, P2];
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 3 }),
        fc.option(fc.constantFrom(...pool), { nil: undefined }),
        fc.option(fc.constant('33333333-3333-4333-8333-333333333333'), { nil: undefined }),
        fc.boolean(),
        fc.subarray(pool),
        async (roles, patientId, practitionerId, deidentified, team) => {
          const who = identity({ roles: roles as Role[], patientId, practitionerId, deidentified });
          const scope = new RecordScope(who, (_p, ids) => Promise.resolve(ids.map((id) => team.includes(id))));
          const list = scope.listScope();
          const listed = pool.filter((id) =>
            list.kind === 'all'
              ? true
              : list.kind === 'one'
                ? id === list.patientId
                : list.kind === 'careTeam'
                  ? team.includes(id)
                  : false,
          );
          const answers = await Promise.all(pool.map((id) => scope.check(id)));
          const reachable = pool.filter((_, i) => answers[i] === 'in');
          // A listing never shows a record a lookup by id would refuse.
          for (const id of listed) expect(reachable).toContain(id);
          // With one role, a lookup reaches nothing the listing leaves out (no grants here).
          if (roles.length === 1) expect(reachable.sort()).toEqual(listed.sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
