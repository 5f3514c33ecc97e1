/**
 * The deployment map: every service of the stack and the port it listens on by default. It is
 * data (the launcher, the gateway's defaults and the internal-token audiences read it), and the
 * one place shared code names the services.
 */
export const SERVICES = {
  gateway: 4000,
  patient: 4001,
  medication: 4002,
  notes: 4003,
  audit: 4004,
} as const;
export type ServiceName = keyof typeof SERVICES;
export type SubgraphName = Exclude<ServiceName, 'gateway'>;
export const SUBGRAPHS = ['patient', 'medication', 'notes', 'audit'] as const satisfies readonly SubgraphName[];

/** Where a service answers GraphQL by default (on this host). */
export function defaultGraphqlUrl(service: ServiceName): string {
  return `http://127.0.0.1:${SERVICES[service]}/graphql`;
}

/** The environment key that sets a service's PORT or URL (PATIENT_PORT, AUDIT_URL, ...). */
export function serviceEnvName(service: ServiceName, key: 'PORT' | 'URL'): string {
  return `${service.toUpperCase()}_${key}`;
}
