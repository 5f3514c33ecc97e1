import type { RolePolicy } from '@ehr/policy';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { allow, rule, shield } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import { GraphQLError } from 'graphql';
import type { Access } from './access.js';
import { forbidden, isPublicCode, maskErrors } from '../errors/index.js';
import type { Logger } from '../server/logger.js';

/** Context fields the generated rules read. */
export interface ShieldContext {
  access: Access;
}

/** The fallback: a field the policy does not classify. The coverage test keeps this unreachable. */
const fallbackDeny = (logger: Logger) =>
  rule('fallback-deny', { cache: 'no_cache' })((_parent, _args, _ctx, info) => {
    logger.error(
      { field: `${info.parentType.name}.${info.fieldName}` },
      'policy fallback used: field not in the policy',
    );
    return forbidden();
  });

/**
 * graphql-shield rules generated from the role policy for one subgraph schema: one rule per
 * field ("does the policy grant this role this field?"), answered by a table lookup. Reads
 * neither parent nor args, so no cache is needed.
 */
export function policyRules(schema: GraphQLSchema, policy: RolePolicy): { rules: IRules; uncovered: string[] } {
  const rules: Record<string, Record<string, IRule>> = {};
  const uncovered: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: Record<string, IRule> = {};
    for (const field of Object.keys(type.getFields())) {
      if (!policy.covers(type.name, field)) {
        uncovered.push(`${type.name}.${field}`);
        continue;
      }
      const typeName = type.name;
      // The one decision (Access.decide): masked is served only where the classification says
      // how to mask (the masking middleware does it); otherwise it is already "denied".
      fields[field] = rule(`policy:${typeName}.${field}`, { cache: 'no_cache' })(
        (_parent, _args, ctx: ShieldContext) => ctx.access.decide(typeName, field) !== 'denied' || forbidden(),
      );
    }
    if (Object.keys(fields).length > 0) rules[type.name] = fields;
  }
  return { rules: rules as unknown as IRules, uncovered };
}

/**
 * The shield for a subgraph: deny by default, no external error passes raw. Errors from our own
 * catalogue (BAD_USER_INPUT, NOT_FOUND, BREAK_GLASS_REQUIRED, ...) are returned as they are;
 * anything else thrown by a resolver is masked with a correlation id.
 */
export function policyShield(schema: GraphQLSchema, policy: RolePolicy, logger: Logger) {
  const { rules } = policyRules(schema, policy);
  const mask = maskErrors(logger);
  return shield(rules, {
    fallbackRule: fallbackDeny(logger),
    allowExternalErrors: false,
    fallbackError: (err: unknown) => {
      if (err === null || err === undefined) return forbidden();
      if (err instanceof GraphQLError && isPublicCode(err.extensions?.code)) return err;
      const masked = mask({ message: (err as Error)?.message ?? 'error' }, err);
      return new GraphQLError(masked.message, { extensions: masked.extensions });
    },
  });
}

export { allow };
