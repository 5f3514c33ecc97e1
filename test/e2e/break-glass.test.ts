import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

describe(`break-glass emergency access (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let outsider: string;
  let grantId: string;
  const alerts: Record<string, unknown>[] = [];
  const webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  const REASON = 'Unconscious patient in the emergency department, no next of kin reachable';

  beforeAll(async () => {
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
    // 60 patients: three physicians, so some patients are on neither demo physician's team.
    stack = await startStack({ patients: 60, seed: 13, env: { ALERT_WEBHOOK_URL: hook } });
    const teams = ['physician-1', 'physician-2'].map((sub) => {
      const id = stack.data.identities.find((i) => i.sub === sub)!.practitioner_id;
      return new Set(stack.data.careTeam.filter((m) => m.practitionerId === id).map((m) => m.patientId));
    });
    outsider = stack.data.patients.find(
      (p) => teams.every((t) => !t.has(p.id)) && stack.data.medications.some((m) => m.patientId === p.id),
    )!.id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    webhook.close();
  });

  const chart = () => `{ patient(id: "${outsider}") { id name { family } medications { id } notes { id } } }`;
  const breakGlass = (reason: string) =>
    `mutation { breakGlass(patientId: "${outsider}", reason: "${reason}") { id patientId expiresAt purposeOfUse } }`;

  it('a clinician outside the care team is told to break the glass', async () => {
    const { body } = await stack.query(chart(), undefined, 'physician-1');
    expect(body.data?.patient).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
  });

  it.each([
    ['', 'BAD_USER_INPUT'],
    ['emergency', 'BAD_USER_INPUT'],
    ['               x', 'BAD_USER_INPUT'],
  ])('refuses the reason %j (at least 15 characters)', async (reason, code) => {
    const { body } = await stack.query(breakGlass(reason), undefined, 'physician-1');
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it.each(['billing-1', 'patient-1', 'auditor-1', 'admin-1'])('%s may not break the glass', async (who) => {
    const { body } = await stack.query(breakGlass(REASON), undefined, who);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('grants one patient for an hour, raises an alert, and opens the record', async () => {
    const before = Date.now();
    const granted = await stack.query<{
      breakGlass: { id: string; patientId: string; expiresAt: string; purposeOfUse: string };
    }>(breakGlass(REASON), undefined, 'physician-1');
    expect(granted.body.errors).toBeUndefined();
    const grant = granted.body.data!.breakGlass;
    grantId = grant.id;
    expect(grant.patientId).toBe(outsider);
    expect(grant.purposeOfUse).toBe('BREAK_GLASS');
    const ttl = Date.parse(grant.expiresAt) - before;
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThan(61 * 60_000);

    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'break_glass',
      severity: 'critical',
      actorId: 'physician-1',
      patientId: outsider,
      grantId,
    });
    // The reason may describe the patient: it stays in the review queue, out of alerts and logs.
    expect(JSON.stringify(alerts)).not.toContain('Unconscious');
    expect(stack.output('audit').join('\n')).toContain('security alert: break_glass');
    expect(stack.output('audit').join('\n')).not.toContain('Unconscious');

    const opened = await stack.query<{ patient: { id: string; medications: unknown[] } }>(
      chart(),
      undefined,
      'physician-1',
    );
    expect(opened.body.errors).toBeUndefined();
    expect(opened.body.data!.patient.id).toBe(outsider);
    expect(opened.body.data!.patient.medications.length).toBeGreaterThan(0);
    expect((opened.body as { extensions?: { purposeOfUse?: string } }).extensions?.purposeOfUse).toBe('BREAK_GLASS');
    const me = await stack.query<{ me: { purposeOfUse: string; breakGlassPatientIds: string[] } }>(
      '{ me { purposeOfUse breakGlassPatientIds } }',
      undefined,
      'physician-1',
    );
    expect(me.body.data!.me).toEqual({ purposeOfUse: 'BREAK_GLASS', breakGlassPatientIds: [outsider] });
  });

  it('covers only the clinician who broke the glass, and only that patient', async () => {
    const other = await stack.query(chart(), undefined, 'physician-2');
    expect(other.body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
    const own = stack.data.identities.find((i) => i.sub === 'patient-2')!.patient_id!;
    const teams = stack.data.careTeam.filter((m) => m.patientId === own).map((m) => m.practitionerId);
    const me = stack.data.identities.find((i) => i.sub === 'physician-1')!.practitioner_id!;
    if (!teams.includes(me)) {
      const elsewhere = await stack.query(`{ patient(id: "${own}") { id } }`, undefined, 'physician-1');
      expect(elsewhere.body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
    }
  });

  it('lands in the auditors review queue, which they close once', async () => {
    const queue = await stack.query<{
      breakGlassReviews: { nodes: { id: string; actorId: string; reason: string; status: string }[] };
    }>(
      '{ breakGlassReviews(status: "OPEN") { totalCount nodes { id actorId patientId reason status grantedAt expiresAt } } }',
      undefined,
      'auditor-1',
    );
    expect(queue.body.errors).toBeUndefined();
    expect(queue.body.data!.breakGlassReviews.nodes).toContainEqual(
      expect.objectContaining({ id: grantId, actorId: 'physician-1', reason: REASON, status: 'OPEN' }),
    );
    const review = `mutation { reviewBreakGlass(id: "${grantId}", outcome: "JUSTIFIED", comment: "Confirmed with the ED roster") { status outcome reviewedBy } }`;
    const closed = await stack.query(review, undefined, 'auditor-1');
    expect(closed.body.data).toEqual({
      reviewBreakGlass: { status: 'REVIEWED', outcome: 'JUSTIFIED', reviewedBy: 'auditor-1' },
    });
    // The comment is kept sealed and reads back as written.
    const reviewed = await stack.query<{ breakGlassReviews: { nodes: { id: string; reviewComment: string }[] } }>(
      '{ breakGlassReviews(status: "REVIEWED") { nodes { id reviewComment } } }',
      undefined,
      'auditor-1',
    );
    expect(reviewed.body.data!.breakGlassReviews.nodes).toContainEqual({
      id: grantId,
      reviewComment: 'Confirmed with the ED roster',
    });
    const twice = await stack.query(review, undefined, 'auditor-1');
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const clinician = await stack.query('{ breakGlassReviews { totalCount } }', undefined, 'physician-1');
    expect(clinician.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
