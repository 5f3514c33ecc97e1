import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { auditUnavailable } from '../errors/catalogue.js';
import type { Access } from '../security/access.js';
import type { AccessCollector } from './collector.js';
import { ACCESS_OUTCOMES, buildAuditRecord, type AuditRecordInput, type Outcome } from './record.js';
import type { AuditShipper } from './shipper.js';
import { purposeFor, type Identity } from '../security/identity.js';
import type { Logger } from '../server/logger.js';
import { fieldsOf } from '../security/operation-access.js';
import type { PhiClass } from '../phi/classification.js';

export interface AuditedContext extends BaseContext {
  identity: Identity;
  access: Access;
  audit: AccessCollector;
}

const RANK: Record<Outcome, number> = { CLEAR: 0, MASKED: 1, ERROR: 2, DENIED: 3 };

/**
 * Records every access a data subgraph serves and holds the response until the records are
 * durable (see AuditShipper): no response with PHI leaves without its record. Per request it
 * does one walk of the operation (which fields of which types, with what outcome, from the
 * policy tables) and one record per entity the loaders touched; nothing runs per field.
 */
export function auditPlugin(options: {
  subgraph: string;
  shipper: AuditShipper;
  classes: Map<string, PhiClass>;
  logger: Logger;
  /** Root fields that read many records as counts (the spec's aggregateFields). */
  aggregateFields: readonly string[];
}): ApolloServerPlugin<AuditedContext> {
  const aggregates = new Set(options.aggregateFields);
  const outcomeOf = (access: Access, type: string, field: string): Outcome => {
    const d = access.decide(type, field);
    if (d === 'clear') return ACCESS_OUTCOMES.clear;
    if (d === 'masked' && options.classes.get(`${type}.${field}`)?.mask) return ACCESS_OUTCOMES.masked;
    return ACCESS_OUTCOMES.denied;
  };
  return {
    async requestDidStart() {
      let document: DocumentNode | undefined;
      let schema: GraphQLSchema | undefined;
      return {
        async didResolveOperation(ctx) {
          document = ctx.document;
          schema = ctx.schema;
        },
        async willSendResponse({ response, contextValue, operationName, queryHash, errors }) {
          const { audit, identity, access } = contextValue;
          if (!audit || !identity) return;
          const selected = document && schema ? fieldsOf(document, schema) : [];
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          // An operation that touched no record is still recorded when it was refused, failed,
          // or read aggregates (analysts): attempts count, and so do cohort counts.
          const roots = selected.filter(([t]) => t === 'Query' || t === 'Mutation');
          const refusedOrAggregate =
            (body?.errors?.length ?? 0) > 0 ||
            roots.some(([t, f]) => outcomeOf(access, t, f) !== ACCESS_OUTCOMES.clear || aggregates.has(f));
          if (audit.entities.size === 0 && audit.mutations.length === 0) {
            if (roots.length === 0 || !refusedOrAggregate) return;
            audit.touch(
              'Operation',
              '',
              null,
              roots.every(([t, f]) => outcomeOf(access, t, f) === ACCESS_OUTCOMES.denied),
            );
          }
          const failed = new Set(
            [...(body?.errors ?? []), ...(errors ?? [])]
              .filter((e) => e.extensions?.code !== 'FORBIDDEN')
              .flatMap((e) => (e.path ?? []).filter((p): p is string => typeof p === 'string')),
          );
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
          for (const e of audit.entities.values()) {
            const fields = selected
              .filter(([t]) => (e.entityType === 'Operation' ? t === 'Query' || t === 'Mutation' : t === e.entityType))
              .map(([t, f]) => ({
                path: `${t}.${f}`,
                outcome: e.denied
                  ? ACCESS_OUTCOMES.denied
                  : failed.has(f)
                    ? ACCESS_OUTCOMES.error
                    : outcomeOf(access, t, f),
              }));
            const unique = [...new Map(fields.map((f) => [f.path, f])).values()];
            const outcome = unique.reduce<Outcome>(
              (w, f) => (RANK[f.outcome] > RANK[w] ? f.outcome : w),
              e.denied ? ACCESS_OUTCOMES.denied : ACCESS_OUTCOMES.clear,
            );
            records.push(
              buildAuditRecord({
                ...base,
                action: 'READ',
                patientId: e.patientId,
                entityType: e.entityType,
                entityId: e.entityId || null,
                purpose: purposeFor(identity, e.patientId),
                fields: unique,
                outcome,
                afterState: null,
              }),
            );
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
            if (response.body.kind === 'single') {
              response.body.singleResult = { errors: [auditUnavailable()] };
            }
            options.logger.error({ requestId: identity.requestId }, 'response withheld: audit unavailable');
          }
        },
      };
    },
  };
}
