import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** The error codes a client may see; anything else is masked to INTERNAL_SERVER_ERROR. */
export const ERROR_CODES = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BREAK_GLASS_REQUIRED: 403,
  SERVICE_UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

function error(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** A malformed argument. The message names the argument, never echoes its value. */
export function badInput(message: string): GraphQLError {
  return error('BAD_USER_INPUT', message);
}

export function forbidden(message = 'Not permitted'): GraphQLError {
  return error('FORBIDDEN', message);
}

/** Generic on purpose: the same answer whether the record is missing or out of scope. */
export function notFound(): GraphQLError {
  return error('NOT_FOUND', 'Not found');
}

export function isPublicCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && code in ERROR_CODES && code !== 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo Server `formatError`: errors from the catalogue pass through without stack traces; any
 * other error (a driver error that may quote SQL or values, a bug) becomes a fixed message with
 * a correlation id that matches one log line, which records the error's kind but not its message.
 */
export function maskErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isPublicCode(code)) {
      const { stacktrace: _s, exception: _e, ...ext } = formatted.extensions ?? {};
      return { ...formatted, extensions: ext };
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
