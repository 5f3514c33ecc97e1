import { randomUUID } from 'node:crypto';
import { buildAuditRecord, type AuditShipper, type Logger, type ServiceMetrics } from '@ehr/common';
import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { Counter } from 'prom-client';

/** The x-hipaa-audit-id form the front door accepts; anything else is recorded as "malformed". */
const AUDIT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Who a refused request came from, when the front door got as far as verifying the token. */
export interface KnownCaller {
  sub: string;
  roles: readonly string[];
}

export interface RefusalLimits {
  /** Refusal records per second, from all callers together. */
  perSecond: number;
  /** Refusal records per second from one client address. */
  perAddressPerSecond: number;
}

/**
 * Records requests the gateway refuses before any subgraph is asked (no or bad token, missing
 * audit id, disabled account, expired session, rate limit, wrong endpoint, invalid or oversized
 * operation, malformed body) as security events in the audit trail, through the same durable
 * path as every access record (signed batches, spool, quarantine). A record names the reason
 * code, the client address and agent, the audit id if one was given and the caller if the token
 * was verified; never the query, its variables or the token. A flood cannot fill the disk: past
 * the per-second limits refusals are only counted (ehr_gateway_refusals_total, and
 * ehr_gateway_refusals_unrecorded_total for those beyond the limit).
 */
export class RefusalRecorder {
  private windowStart = 0;
  private inWindow = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly refusals: Counter<'code'>;
  private readonly unrecorded: Counter<'code'>;

  constructor(
    private readonly shipper: AuditShipper,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
    private readonly limits: RefusalLimits = { perSecond: 100, perAddressPerSecond: 20 },
    private readonly clock: () => number = Date.now,
  ) {
    this.refusals = new Counter({
      name: 'ehr_gateway_refusals_total',
      help: 'Requests refused at the gateway, by reason code',
      labelNames: ['code'],
      registers: [metrics.registry],
    });
    this.unrecorded = new Counter({
      name: 'ehr_gateway_refusals_unrecorded_total',
      help: 'Refusals beyond the per-second recording limits: counted, not recorded',
      labelNames: ['code'],
      registers: [metrics.registry],
    });
  }

  private admit(address: string): boolean {
    const now = this.clock();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
      this.byAddress.clear();
    }
    const fromAddress = this.byAddress.get(address) ?? 0;
    if (this.inWindow >= this.limits.perSecond || fromAddress >= this.limits.perAddressPerSecond) return false;
    this.inWindow++;
    this.byAddress.set(address, fromAddress + 1);
    return true;
  }

  /** Never delays or changes the refusal itself: recording runs after it, and its failure is logged. */
  record(req: express.Request, code: string, caller?: KnownCaller): void {
    this.refusals.inc({ code });
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (!this.admit(address)) {
      this.unrecorded.inc({ code });
      return;
    }
    const header = req.headers['x-hipaa-audit-id'];
    const auditId =
      header === undefined ? 'none' : typeof header === 'string' && AUDIT_ID.test(header) ? header : 'malformed';
    const agent = req.headers['user-agent'];
    const record = buildAuditRecord({
      occurredAt: new Date(this.clock()).toISOString(),
      actorId: caller?.sub ?? 'anonymous',
      roles: [...(caller?.roles ?? [])],
      action: 'REFUSED',
      auditId,
      requestId: randomUUID(),
      subgraph: 'gateway',
      patientId: null,
      entityType: 'Request',
      entityId: null,
      purpose: 'OPERATIONS',
      fields: [{ path: `Refusal.${code}`, outcome: 'DENIED' }],
      outcome: 'DENIED',
      operationName: null,
      operationHash: null,
      ipAddress: address,
      userAgent: typeof agent === 'string' ? agent : null,
      beforeState: null,
      afterState: null,
    });
    this.shipper.record([record]).catch((err: unknown) => {
      this.logger.error({ errorName: (err as Error).name, code }, 'refusal could not be recorded');
    });
  }
}

/**
 * Operations Apollo refuses before running them (unparsable, invalid, over the query limits):
 * recorded through the context's refusal hook with the first error's code.
 */
export function refusedOperationsPlugin(): ApolloServerPlugin<{ refused?: (code: string) => void }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, operation, contextValue }) {
          if (operation) return; // it ran: what it returned is recorded by the subgraphs
          const code = errors[0]?.extensions?.code;
          contextValue.refused?.(typeof code === 'string' ? code : 'BAD_REQUEST');
        },
      };
    },
  };
}
