import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * Every error code a client may see, with its HTTP status: the status a request refused before
 * GraphQL runs answers with (the front doors, internal endpoints), or the status a GraphQL
 * error stands for. Which of them a GraphQL error may carry out is `GRAPHQL_CODES`; any other
 * code in a GraphQL response is masked to INTERNAL_SERVER_ERROR (see mask.ts).
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  FORBIDDEN: 403,
  AUDIT_TRAIL_REQUIRED: 403,
  ACCOUNT_DISABLED: 403,
  BREAK_GLASS_REQUIRED: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status the catalogue gives a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/**
 * The codes a GraphQL error passes through with. The HTTP-layer refusals (BAD_REQUEST,
 * SESSION_EXPIRED, AUDIT_TRAIL_REQUIRED, ACCOUNT_DISABLED, RATE_LIMITED) are not among them:
 * Apollo raises BAD_REQUEST itself with text of its own, which stays masked.
 */
export const GRAPHQL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BREAK_GLASS_REQUIRED',
  'NOT_FOUND',
  'SERVICE_UNAVAILABLE',
  'AUDIT_UNAVAILABLE',
]);

/** Whether a GraphQL error with this code reaches the client as it is. */
export function isPublicCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && GRAPHQL_CODES.has(code as ErrorCode);
}

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

/** Said to a clinician whether or not the patient exists: no existence oracle. */
export function breakGlassRequired(): GraphQLError {
  return error('BREAK_GLASS_REQUIRED', 'This patient is not on your care team; break the glass to access the record');
}

/** A service that cannot be reached: its name, never its address or the cause. */
export function serviceUnavailable(service: string): GraphQLError {
  return error(
    'SERVICE_UNAVAILABLE',
    `The ${service} service is unavailable; data from it is missing from this response`,
    { service },
  );
}

/** The whole answer when a subgraph could not record the access: no data leaves without its record. */
export function auditUnavailable(): GraphQLFormattedError {
  return {
    message: 'The access could not be recorded, so no data was released; try again',
    extensions: { code: 'AUDIT_UNAVAILABLE' },
  };
}

/**
 * A request refused at the HTTP layer, before GraphQL runs (a front door, an internal endpoint):
 * a catalogue code, its status, and a message safe to show (it never echoes a value).
 */
export class RequestRefused extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
    this.status = statusOf(code);
  }

  /** The JSON body, shaped like a GraphQL error response so clients parse one format. */
  body(): { errors: GraphQLFormattedError[] } {
    return { errors: [{ message: this.message, extensions: { code: this.code } }] };
  }
}
