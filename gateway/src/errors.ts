import type { GraphQLFormattedError } from 'graphql';
import { isPublicCode, maskErrors, SUBGRAPHS, type Logger } from '@ehr/common';

const FETCH_FAILED = /^Error while fetching subquery from service "([a-z]+)"/;

/**
 * The gateway's error policy: catalogue errors from subgraphs pass through; a subgraph that
 * cannot be reached becomes SERVICE_UNAVAILABLE naming the service (not the address or the
 * cause); anything else is masked with a correlation id.
 */
export function gatewayFormatError(logger: Logger) {
  const mask = maskErrors(logger);
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    if (isPublicCode(formatted.extensions?.code)) return mask(formatted, raw);
    const service = FETCH_FAILED.exec(formatted.message)?.[1];
    if (service && (SUBGRAPHS as readonly string[]).includes(service)) {
      logger.warn({ subgraph: service, path: formatted.path }, 'subgraph unavailable');
      return {
        message: `The ${service} service is unavailable; data from it is missing from this response`,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'SERVICE_UNAVAILABLE', service },
      };
    }
    return mask(formatted, raw);
  };
}
