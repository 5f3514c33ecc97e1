import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry credentials or PHI. Logs name records by id and never carry request
 * bodies, variables or headers wholesale; these paths are a second line of defence.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'variables',
  'query',
  'body',
  '*.password',
];

/** One JSON logger per service, with the service name on every line and secrets redacted. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
