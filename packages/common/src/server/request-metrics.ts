import type { ApolloServerPlugin } from '@apollo/server';
import type { ServiceMetrics } from './metrics.js';

/** Counts requests by outcome and times them: one hook per request, nothing per field. */
export function requestMetricsPlugin(service: string, metrics: ServiceMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const end = metrics.requestDuration.startTimer({ service });
      return {
        async willSendResponse({ response }) {
          end();
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          metrics.requests.inc({ service, outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}
