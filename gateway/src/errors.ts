import type { GraphQLFormattedError } from 'graphql';
import { isPublicCode, maskErrors, type Logger } from '@ehr/common';
import { TOO_LARGE } from './query-limits.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The gateway's error policy: catalogue errors (from subgraphs or from here) pass through
 * without stacks; an error a subgraph already masked keeps its correlation id so operators can
 * find the subgraph's log line (the subgraph's name is logged here, not sent); anything else is
 * masked here with a correlation id of its own.
 */
export function gatewayFormatError(logger: Logger, development: boolean) {
  const mask = maskErrors(logger);
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const ext = formatted.extensions ?? {};
    if (ext.code === 'BAD_REQUEST') {
      // A client's protocol mistake (a batch, a GET without the preflight header, a form post,
      // a non-string query): 400 with Apollo's fixed text, logged as the client's error, not ours.
      logger.info({ code: ext.code }, 'request is not a GraphQL request');
      return { message: protocolMessage(formatted.message), extensions: { code: 'BAD_REQUEST' } };
    }
    // GraphQL Armor prefixes some of its refusals with "Syntax Error: "; the operation parsed fine.
    if (formatted.message.endsWith(TOO_LARGE)) return { message: TOO_LARGE, extensions: { code: ext.code } };
    if (!development && ext.code === 'GRAPHQL_VALIDATION_FAILED' && ext.serviceName === undefined) {
      return mask({ ...formatted, message: withoutClientNames(formatted.message) }, raw);
    }
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

/** Apollo's own texts for requests that are not GraphQL requests; anything else gets a fixed one. */
const PROTOCOL_TEXTS = [
  /^POST body missing, invalid Content-Type, or JSON object has no 'query' field\.?$/,
  /^GraphQL queries must be strings\.?$/,
  /^This operation has been blocked as a potential Cross-Site Request Forgery \(CSRF\)\./,
  /^Operation batching disabled\.?$/,
  /^(Variables|Extensions) (param|parameter) must be (an object|encoded as JSON)/,
  /^GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension\.?$/,
  /^Only one operation may be sent in a batch/,
];
function protocolMessage(message: string): string {
  return PROTOCOL_TEXTS.some((p) => p.test(message)) ? message : 'The request is not a valid GraphQL request.';
}

/**
 * In production, a validation message keeps the schema's names but not the ones the client made
 * up (an unknown field, argument, type or fragment) nor suggestions: with introspection off,
 * "Did you mean" and echoed guesses would let the schema be rebuilt field by field.
 */
export function withoutClientNames(message: string): string {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^Cannot query field "[^"]*" on type "([^"]*)"/, (m) => `Cannot query this field on type "${m[1]}".`],
    [/^Unknown argument "[^"]*" on (field|directive) "([^"]*)"/, (m) => `Unknown argument on ${m[1]} "${m[2]}".`],
    [/^Field "[^"]*" is not defined by type "([^"]*)"/, (m) => `A field is not defined by type "${m[1]}".`],
    [/^Unknown (type|directive|fragment) "[^"]*"/, (m) => `Unknown ${m[1]}.`],
  ];
  for (const [pattern, rewrite] of rules) {
    const m = pattern.exec(message);
    if (m) return rewrite(m);
  }
  return message.replace(/\s*Did you mean [\s\S]*$/, '');
}
