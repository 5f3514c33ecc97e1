import type { ApolloServerPlugin } from '@apollo/server';
import { isPublicCode } from '../errors/catalogue.js';
import type { ServiceMetrics } from './metrics.js';

/**
 * Counts and times requests by operation and outcome: one hook per request, nothing per field.
 * Labels stay a bounded vocabulary with no client text in it: the operation is a registered
 * operation's name when `registeredName` knows the document (the gateway's trusted documents),
 * else the operation type; the outcome is ok or a catalogue error code.
 */
export function requestMetricsPlugin(
  service: string,
  metrics: ServiceMetrics,
  registeredName: (query: string | undefined) => string | undefined = () => undefined,
): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.code;
          const outcome = !errors?.length ? 'ok' : isPublicCode(code) ? code : 'error';
          const labels = {
            service,
            operation: registeredName(request.query) ?? operation?.operation ?? 'unparsed',
            outcome,
          };
          metrics.requests.inc(labels);
          metrics.requestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
