import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { auditUnavailable } from '../errors/catalogue.js';
import type { Access } from '../security/access.js';
import { purposeFor, type Identity } from '../security/identity.js';
import { fieldsOf } from '../security/operation-access.js';
import { SCOPE_SUBJECT } from '../security/scoped-load.js';
import type { Logger } from '../server/logger.js';
import type { PhiClass } from '../phi/classification.js';
import type { AccessCollector } from './collector.js';
import {
  ACCESS_OUTCOMES,
  buildAuditRecord,
  RECORD_LIMITS,
  type AuditRecordInput,
  type EntityAccess,
  type Outcome,
  worstOutcome,
} from './record.js';
import { accessFromResponse, errorOutcome, type RowAccess, type WalkError } from './response-walk.js';
import type { AuditShipper } from './shipper.js';

export interface AuditedContext extends BaseContext {
  identity: Identity;
  access: Access;
  audit: AccessCollector;
}

/**
 * Records every access a data subgraph serves and holds the response until the records are
 * durable (see AuditShipper): no response with PHI leaves without its record. Once per request,
 * after execution, it walks what the subgraph returned (see accessFromResponse) and writes one
 * record per patient the response touched, carrying each row's type, id and per-field outcomes;
 * nothing runs per field.
 */
export function auditPlugin(options: {
  subgraph: string;
  shipper: AuditShipper;
  logger: Logger;
  /** Root fields that read many records as counts (the spec's aggregateFields). */
  aggregateFields: readonly string[];
  /** The schema's @phi classes: what de-identification does to each field. */
  classes: Map<string, PhiClass>;
}): ApolloServerPlugin<AuditedContext> {
  const aggregates = new Set(options.aggregateFields);
  // For the analysts' endpoint: a field de-identification transformed left as a pseudonym, a
  // year or a ZIP3, not its clear value; recorded MASKED.
  const transformed = new Set(
    [...options.classes].filter(([, c]) => c.deid !== 'KEEP' && c.deid !== 'REMOVE').map(([k]) => k),
  );
  return {
    async requestDidStart() {
      let document: DocumentNode | undefined;
      let schema: GraphQLSchema | undefined;
      return {
        async didResolveOperation(ctx) {
          document = ctx.document;
          schema = ctx.schema;
        },
        async willSendResponse({ response, contextValue, operationName, queryHash, request }) {
          const { audit, identity, access } = contextValue;
          if (!audit || !identity) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = (body?.errors ?? []) as readonly WalkError[];
          const outcomeOf = (type: string, field: string): Outcome =>
            (identity.deidentified && transformed.has(`${type}.${field}`)) || access.decide(type, field) === 'masked'
              ? ACCESS_OUTCOMES.masked
              : ACCESS_OUTCOMES.clear;
          let rows = new Map<string, RowAccess>();
          try {
            if (document && schema)
              rows = accessFromResponse({
                schema,
                document,
                operationName,
                variables: request.variables,
                data: body?.data as Record<string, unknown> | null | undefined,
                errors,
                audit,
                access,
                outcomeOf,
              });
          } catch (err) {
            // The walk must never cost a record: every row the loaders touched is recorded, its
            // fields unknown (marked ERROR), and the failure is logged.
            options.logger.error(
              { errorName: (err as Error).name, requestId: identity.requestId },
              'audit walk failed',
            );
            rows = new Map(
              [...audit.entities.values()].map((ref) => [
                `${ref.entityType}:${ref.entityId}`,
                { ref, fields: new Map([[`${ref.entityType}.*`, ACCESS_OUTCOMES.error]]) },
              ]),
            );
          }
          const base = {
            occurredAt: audit.requestStarted.toISOString(),
            actorId: identity.sub,
            roles: identity.roles,
            auditId: identity.auditId,
            requestId: identity.requestId,
            subgraph: options.subgraph,
            operationName: operationName ?? null,
            operationHash: queryHash ?? null,
            ipAddress: identity.clientIp,
            userAgent: identity.userAgent ?? null,
            beforeState: null,
          };
          const records: AuditRecordInput[] = [];
          // One record per patient: the rows of that patient this request returned or was refused.
          const byPatient = new Map<string | null, RowAccess[]>();
          for (const row of rows.values()) {
            const list = byPatient.get(row.ref.patientId);
            if (list) list.push(row);
            else byPatient.set(row.ref.patientId, [row]);
          }
          for (const [patientId, allRows] of byPatient) {
            // A record carries at most RECORD_LIMITS.entities rows and RECORD_LIMITS.rowFields row
            // fields: more make more records, never fewer rows.
            for (const patientRows of chunks(allRows)) {
              const entities: EntityAccess[] = patientRows.map((r) => ({
                type: r.ref.entityType,
                id: r.ref.entityId,
                fields: [...r.fields].map(([path, outcome]) => ({ path, outcome })),
              }));
              let outcome: Outcome = patientRows.some((r) => r.ref.denied)
                ? ACCESS_OUTCOMES.denied
                : ACCESS_OUTCOMES.clear;
              for (const r of patientRows) for (const o of r.fields.values()) outcome = worstOutcome(outcome, o);
              const only = patientRows.length === 1 ? patientRows[0]!.ref : undefined;
              records.push(
                buildAuditRecord({
                  ...base,
                  action: 'READ',
                  patientId,
                  entityType: only?.entityType ?? (patientId ? SCOPE_SUBJECT : null),
                  entityId: only?.entityId ?? patientId,
                  purpose: purposeFor(identity, patientId),
                  // A record with rows has their union as its fields: derived, not sent (see buildAuditRecord).
                  fields: [],
                  entities,
                  outcome,
                  afterState: null,
                }),
              );
            }
          }
          // An operation that reached no row is still recorded when it was refused, failed, or
          // read aggregates (analysts): attempts count, and so do cohort counts.
          if (records.length === 0 && audit.mutations.length === 0 && document && schema) {
            const roots = fieldsOf(document, schema).filter(([t]) => t === 'Query' || t === 'Mutation');
            const outcomeOf = (t: string, f: string): Outcome => {
              const d = access.decide(t, f);
              return d === 'clear'
                ? ACCESS_OUTCOMES.clear
                : d === 'masked'
                  ? ACCESS_OUTCOMES.masked
                  : ACCESS_OUTCOMES.denied;
            };
            const failed = errors.length > 0;
            if (
              roots.length > 0 &&
              (failed || roots.some(([t, f]) => outcomeOf(t, f) !== 'CLEAR' || aggregates.has(f)))
            ) {
              const rootErrors = new Map<string, string>();
              for (const e of errors) {
                const first = e.path?.[0];
                if (typeof first === 'string') rootErrors.set(first, String(e.extensions?.code ?? ''));
              }
              const fields = [...new Map(roots.map(([t, f]) => [`${t}.${f}`, [t, f] as const])).values()].map(
                ([t, f]) => {
                  const code = rootErrors.get(f);
                  return { path: `${t}.${f}`, outcome: code === undefined ? outcomeOf(t, f) : errorOutcome(code) };
                },
              );
              records.push(
                buildAuditRecord({
                  ...base,
                  action: 'READ',
                  patientId: null,
                  entityType: 'Operation',
                  entityId: null,
                  purpose: purposeFor(identity, null),
                  fields,
                  outcome: fields.reduce<Outcome>((w, f) => worstOutcome(w, f.outcome), ACCESS_OUTCOMES.clear),
                  afterState: null,
                }),
              );
            }
          }
          for (const m of audit.mutations) {
            records.push(
              buildAuditRecord({
                ...base,
                id: m.id,
                action: m.action,
                patientId: m.patientId,
                entityType: m.entityType,
                entityId: m.entityId,
                purpose: purposeFor(identity, m.patientId),
                fields: [],
                outcome: ACCESS_OUTCOMES.clear,
                afterState: m.afterState,
              }),
            );
          }
          try {
            await options.shipper.record(records);
          } catch {
            // Fail closed: the data does not leave without its record.
            if (response.body.kind === 'single') response.body.singleResult = { errors: [auditUnavailable()] };
            options.logger.error({ requestId: identity.requestId }, 'response withheld: audit unavailable');
          }
        },
      };
    },
  };
}

/** Rows in runs a record can carry: at most RECORD_LIMITS.entities rows and RECORD_LIMITS.rowFields fields in all. */
function chunks(rows: RowAccess[]): RowAccess[][] {
  const out: RowAccess[][] = [];
  let run: RowAccess[] = [];
  let fields = 0;
  for (const row of rows) {
    const n = Math.min(row.fields.size, RECORD_LIMITS.entityFields);
    if (run.length > 0 && (run.length >= RECORD_LIMITS.entities || fields + n > RECORD_LIMITS.rowFields)) {
      out.push(run);
      run = [];
      fields = 0;
    }
    run.push(row);
    fields += n;
  }
  if (run.length > 0) out.push(run);
  return out;
}
