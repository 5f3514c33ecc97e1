import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per service. Labels are bounded vocabularies (service, operation type,
 * outcome); never an id, a name or anything from the request body.
 */
export interface ServiceMetrics {
  registry: Registry;
  dbStatements: Counter<'service'>;
  dbErrors: Counter<'service'>;
  requests: Counter<'service' | 'operation' | 'outcome'>;
  requestDuration: Histogram<'service' | 'operation' | 'outcome'>;
}

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    dbStatements: new Counter({
      name: 'ehr_db_statements_total',
      help: 'SQL statements sent to the database',
      labelNames: ['service'],
      registers: [registry],
    }),
    dbErrors: new Counter({
      name: 'ehr_db_errors_total',
      help: 'SQL statements that failed',
      labelNames: ['service'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'ehr_graphql_requests_total',
      help: 'GraphQL requests by operation (a registered name or the operation type) and outcome (ok or an error code)',
      labelNames: ['service', 'operation', 'outcome'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'ehr_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation and outcome',
      labelNames: ['service', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
