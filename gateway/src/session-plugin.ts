import type { ApolloServerPlugin } from '@apollo/server';
import { purposeFor, type Logger } from '@ehr/common';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SessionStore } from './auth/session-store.js';
import type { GatewayContext } from './context.js';
import type { GrantLookup } from './grants.js';

/** Root field names of an operation, through inline fragments and fragment spreads. */
function rootFields(op: OperationDefinitionNode, doc: DocumentNode): Set<string> {
  const names = new Set<string>();
  const fragments = new Map(
    doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(op.selectionSet);
  return names;
}

/**
 * Session side effects of operations, decided once per operation: `logout` revokes the session
 * before anything runs; `breakGlass` refreshes the caller's grants once it has run. Every response
 * states its purpose of use (BREAK_GLASS while a grant is active).
 */
export function sessionPlugin(
  sessions: SessionStore,
  grants: GrantLookup,
  logger: Logger,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let refreshGrants = false;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const fields = rootFields(operation, document);
          if (fields.has('logout')) {
            await sessions.revoke(contextValue.identity.sid);
            logger.info({ actor: contextValue.identity.sub }, 'session revoked by logout');
          }
          if (fields.has('breakGlass')) refreshGrants = true;
        },
        async willSendResponse({ response, contextValue }) {
          if (refreshGrants) await grants.invalidate(contextValue.identity.sub);
          if (response.body.kind === 'single' && contextValue.identity) {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              purposeOfUse: purposeFor(contextValue.identity),
            };
          }
        },
      };
    },
  };
}
