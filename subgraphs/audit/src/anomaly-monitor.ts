import { randomUUID } from 'node:crypto';
import { buildAuditRecord, raiseAlert, serial, type AuditRecordInput, type Logger } from '@ehr/common';
import type { DataSource } from 'typeorm';
import type { AuditWriter } from './audit-writer.js';
import { AccountStatusRecord, AuditEventRecord, SecurityIncidentRecord } from './entities/index.js';

export interface AnomalySettings {
  /** An hour with more than factor x baseline distinct patients is an incident. */
  factor: number;
  /** The lowest baseline, for new users and quiet ones. */
  floor: number;
  /** Days of history the baseline averages. */
  days: number;
  alertWebhookUrl: string | undefined;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The design's monitorPHIAccess, over the audit log itself: per user, distinct patients touched
 * in the rolling hour against that user's own baseline (distinct patients per active day over the
 * past days, never below the floor). Over factor x baseline: a critical incident, the account
 * disabled (in the database, so every gateway replica sees it), an alert, and both facts
 * recorded in the audit trail.
 */
export class AnomalyMonitor {
  private readonly serial = serial();
  private readonly dirty = new Set<string>();
  private scheduled: Promise<void> | undefined;
  private lastPass = 0;
  private readonly baselines = new Map<string, { day: string; value: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly writer: AuditWriter,
    private readonly settings: AnomalySettings,
    private readonly logger: Logger,
    /** At most one pass per interval: under load a user is checked once a second, not per request. */
    private readonly minIntervalMs = 1000,
  ) {}

  /**
   * Marks the actors of a stored batch and checks them in the next pass (serialised, so one
   * burst raises one incident). Resolves when that pass is done.
   */
  observe(records: AuditRecordInput[], now?: Date): Promise<void> {
    for (const r of records) if (r.patientId && r.action === 'READ') this.dirty.add(r.actorId);
    if (!this.scheduled) {
      const wait = Math.max(0, this.lastPass + this.minIntervalMs - Date.now());
      this.scheduled = new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
        this.scheduled = undefined;
        this.lastPass = Date.now();
        const actors = [...this.dirty];
        this.dirty.clear();
        return this.serial(() => Promise.all(actors.map((a) => this.check(a, now ?? new Date())))).then(
          () => undefined,
          (err: unknown) => this.logger.error({ errorName: (err as Error).name }, 'anomaly check failed'),
        );
      });
    }
    return this.scheduled;
  }

  /** Waits for the pass already scheduled (at stop: no check may outlive the database). */
  async settle(): Promise<void> {
    await this.scheduled;
    await this.serial(async () => undefined);
  }

  async distinctPatients(actorId: string, from: Date, to: Date): Promise<number> {
    const row = await this.db
      .getRepository(AuditEventRecord)
      .createQueryBuilder('e')
      .select('COUNT(DISTINCT e.patientId)', 'n')
      .where('e.actorId = :actorId', { actorId })
      .andWhere('e.patientId IS NOT NULL')
      .andWhere('e.occurredAt >= :from AND e.occurredAt < :to', { from: from.toISOString(), to: to.toISOString() })
      .getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** The baseline changes once a day at most: computed once per user per day. */
  async baseline(actorId: string, now: Date): Promise<number> {
    const day = now.toISOString().slice(0, 10);
    const cached = this.baselines.get(actorId);
    if (cached?.day === day) return cached.value;
    const value = await this.computeBaseline(actorId, now);
    this.baselines.set(actorId, { day, value });
    return value;
  }

  private async computeBaseline(actorId: string, now: Date): Promise<number> {
    const start = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - this.settings.days * DAY,
    );
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const rows = await this.db
      .getRepository(AuditEventRecord)
      .createQueryBuilder('e')
      .select('SUBSTR(e.occurredAt, 1, 10)', 'day')
      .addSelect('COUNT(DISTINCT e.patientId)', 'n')
      .where('e.actorId = :actorId', { actorId })
      .andWhere('e.patientId IS NOT NULL')
      .andWhere('e.occurredAt >= :from AND e.occurredAt < :to', { from: start.toISOString(), to: today.toISOString() })
      .groupBy('SUBSTR(e.occurredAt, 1, 10)')
      .getRawMany<{ day: string; n: string | number }>();
    const average = rows.length === 0 ? 0 : rows.reduce((s, r) => s + Number(r.n), 0) / rows.length;
    return Math.max(this.settings.floor, Math.ceil(average));
  }

  private async check(actorId: string, now: Date): Promise<void> {
    const status = await this.db.getRepository(AccountStatusRecord).findOneBy({ actorId });
    if (status?.disabled) return;
    const recent = await this.distinctPatients(actorId, new Date(now.getTime() - HOUR), new Date(now.getTime() + 1000));
    const baseline = await this.baseline(actorId, now);
    if (recent <= baseline * this.settings.factor) return;
    // Re-enabled within the hour by an admin: the same burst does not disable them again.
    if (status && !status.disabled && Date.parse(status.changedAt) > now.getTime() - HOUR) return;
    const incident = {
      id: randomUUID(),
      actorId,
      severity: 'critical',
      kind: 'UNUSUAL_PHI_ACCESS',
      distinctPatients: recent,
      baseline,
      createdAt: now.toISOString(),
    };
    await this.db.getRepository(SecurityIncidentRecord).insert(incident);
    await setAccount(
      this.db,
      this.writer,
      actorId,
      true,
      `incident ${incident.id}: ${recent} patients in an hour (baseline ${baseline})`,
      'anomaly-monitor',
    );
    await raiseAlert(
      {
        type: 'anomaly',
        severity: 'critical',
        actorId,
        detail: `${recent} distinct patients in an hour, baseline ${baseline}; account disabled`,
      },
      this.logger,
      this.settings.alertWebhookUrl,
    );
  }
}

/** Disables or enables an account and records the change in the audit trail. */
export async function setAccount(
  db: DataSource,
  writer: AuditWriter,
  actorId: string,
  disabled: boolean,
  reason: string,
  changedBy: string,
  context: { auditId?: string; requestId?: string; ipAddress?: string } = {},
): Promise<AccountStatusRecord> {
  const now = new Date().toISOString();
  const status = { actorId, disabled, reason, changedAt: now, changedBy };
  // Written over whatever is there without reading it first: a stored reason that does not open
  // (damaged, or written before sealing) must never stop an account from being disabled.
  await db.getRepository(AccountStatusRecord).upsert(status, ['actorId']);
  await writer.append([
    buildAuditRecord({
      occurredAt: now,
      actorId: changedBy,
      roles: [],
      action: disabled ? 'ACCOUNT_DISABLED' : 'ACCOUNT_ENABLED',
      auditId: context.auditId ?? 'system',
      requestId: context.requestId ?? randomUUID(),
      subgraph: 'audit',
      patientId: null,
      entityType: 'Account',
      entityId: null,
      purpose: 'OPERATIONS',
      fields: [{ path: `Account:${actorId}`, outcome: 'CLEAR' }],
      outcome: 'CLEAR',
      operationName: null,
      operationHash: null,
      ipAddress: context.ipAddress ?? 'internal',
      userAgent: null,
      beforeState: null,
      afterState: null,
    }),
  ]);
  return db.getRepository(AccountStatusRecord).findOneByOrFail({ actorId });
}
