import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.js';

/**
 * On the analyst endpoint, a response cut from the patient subgraph's k-anonymous release says
 * how it was de-identified (`extensions.deidentification`: k, the generalisation, the records
 * suppressed), as the subgraph reported it: the gateway adds nothing of its own.
 */
export function deidentificationExtensionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.deidentification === undefined || response.body.kind !== 'single') return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            deidentification: contextValue.deidentification,
          };
        },
      };
    },
  };
}
