import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isPublicCode } from './catalogue.js';
import { withoutValues } from './values.js';

/** Codes whose messages graphql-js writes from the client's input (see values.ts). */
const INPUT_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

/**
 * Apollo Server `formatError`: errors from the catalogue pass through without stack traces; any
 * other error (a driver error that may quote SQL or values, a bug) becomes a fixed message with
 * a correlation id that matches one log line, which records the error's kind but not its message.
 */
export function maskErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isPublicCode(code)) {
      // Apollo's gateway adds what a client must not see: the subgraph's name and its raw response.
      const {
        stacktrace: _s,
        exception: _e,
        serviceName: _n,
        response: _r,
        query: _q,
        variables: _v,
        ...ext
      } = formatted.extensions ?? {};
      const message = INPUT_CODES.has(code as string) ? withoutValues(formatted.message) : formatted.message;
      return { ...formatted, message, extensions: ext };
    }
    const correlationId = randomUUID();
    const original = raw instanceof GraphQLError && raw.originalError ? raw.originalError : raw;
    logger.error(
      {
        correlationId,
        path: formatted.path,
        errorName: original instanceof Error ? original.name : typeof original,
        errorCode: (original as { code?: unknown } | null)?.code,
      },
      'request failed',
    );
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
    };
  };
}
