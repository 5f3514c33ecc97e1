import type { GraphQLFormattedError } from 'graphql';
import { isPublicCode, maskErrors, type Logger } from '@ehr/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The gateway's error policy: catalogue errors (from subgraphs or from here) pass through
 * without stacks; an error a subgraph already masked keeps its correlation id so operators can
 * find the subgraph's log line (the subgraph's name is logged here, not sent); anything else is
 * masked here with a correlation id of its own.
 */
export function gatewayFormatError(logger: Logger) {
  const mask = maskErrors(logger);
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const ext = formatted.extensions ?? {};
    if (isPublicCode(ext.code)) {
      if (ext.code === 'SERVICE_UNAVAILABLE') logger.warn({ subgraph: ext.service }, 'subgraph unavailable');
      return mask(formatted, raw);
    }
    const maskedDownstream =
      ext.code === 'INTERNAL_SERVER_ERROR' &&
      formatted.message === 'Internal server error' &&
      typeof ext.correlationId === 'string' &&
      UUID.test(ext.correlationId);
    if (maskedDownstream) {
      // Which subgraph failed is for operators (this log line, beside the subgraph's own under
      // the same correlation id), not for outside clients: it maps the topology behind the gateway.
      logger.warn({ correlationId: ext.correlationId, subgraph: ext.serviceName }, 'subgraph request failed');
      return {
        message: formatted.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: ext.correlationId },
      };
    }
    return mask(formatted, raw);
  };
}
