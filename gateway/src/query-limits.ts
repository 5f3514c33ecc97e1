import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type express from 'express';
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type ASTVisitor,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  /** Nesting of fields, fragments expanded. */
  maxDepth: number;
  /** Aliased fields: aliases multiply work on one field. */
  maxAliases: number;
  /** Directives in one operation (conditional fields use one each). */
  maxDirectives: number;
  /** Lexical tokens in the document (checked while parsing, before any tree is built). */
  maxTokens: number;
  /** Static cost: objects 2, scalars 1, times 1.5 per level (GraphQL Armor's cost model). */
  maxCost: number;
  /** A field selected again in the same selection set: never needed, a known amplifier. */
  maxDuplicateFields: number;
}

/**
 * Measured on the product's own operations (Armor's static cost: objects 2, scalars 1, x1.5 per
 * level, so nesting weighs most): the physician's chart of one patient is 6 deep and costs 196;
 * the care-team list of 50 with each medication's prescriber's name (patients > nodes >
 * medications > prescriber > name > family) is 6 deep and costs 4,398, near Armor's default of
 * 5,000; an analyst selecting every field three levels down costs about 14,000. Depth 8 leaves
 * room for one more relation while a patient > medications > patient > ... cycle is cut after
 * three turns; cost 20,000 leaves four times the list. Aliases 40 (the audit queries alias up
 * to about 30 fields); directives 50 in all (generated clients put @include or @skip on many
 * fields) but at most 3 on one field or fragment (graphql-cop overloads one field with ten);
 * tokens 1,000 (the largest product operation has about 170).
 */
export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxAliases: 40,
  maxDirectives: 50,
  maxTokens: 1000,
  maxCost: 20_000,
  maxDuplicateFields: 10,
};

/** One message for every limit: which limit and where it lies is not for outside clients. */
export const TOO_LARGE = 'The operation is too large or too complex for this service.';

/** More directives than this on one field, fragment spread or inline fragment are refused. */
const MAX_DIRECTIVES_PER_LOCATION = 3;

/** Refuses a field, fragment spread or inline fragment carrying more directives than a client needs. */
function directivesPerLocationRule(): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let reported = false;
    const check = (node: { directives?: readonly unknown[] }) => {
      if ((node.directives?.length ?? 0) > MAX_DIRECTIVES_PER_LOCATION && !reported) {
        reported = true;
        context.reportError(new GraphQLError(TOO_LARGE));
      }
    };
    return { Field: check, FragmentSpread: check, InlineFragment: check };
  };
}

/** Counts fields selected twice under the same response key within one selection set. */
function duplicateFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let duplicates = 0;
    let reported = false;
    return {
      SelectionSet(set) {
        const keys = new Set<string>();
        for (const s of set.selections) {
          if (s.kind !== Kind.FIELD) continue;
          const key = s.alias?.value ?? s.name.value;
          if (keys.has(key)) duplicates++;
          keys.add(key);
        }
        if (duplicates > max && !reported) {
          reported = true;
          context.reportError(new GraphQLError(TOO_LARGE, { nodes: [set] }));
        }
      },
    };
  };
}

/**
 * The operation limits of an endpoint: GraphQL Armor's depth, alias, directive, token and cost
 * limits, and the duplicate-field limit it lacks. Every refusal happens before any subgraph is
 * asked and says the same thing. In production, field suggestions are blocked too.
 */
export function queryProtection<TContext extends BaseContext>(
  limits: QueryLimits,
  production: boolean,
): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin<TContext>[] } {
  const common = { exposeLimits: false, errorMessage: TOO_LARGE };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...common },
    // Armor lets __typename be aliased without limit by default; graphql-cop overloads exactly that.
    maxAliases: { n: limits.maxAliases, allowList: [], ...common },
    maxDirectives: { n: limits.maxDirectives, ...common },
    // Armor's token limit throws from a plugin hook, which Apollo answers with a 500; the
    // gateway counts tokens in front of Apollo instead (tokenLimit below).
    maxTokens: { enabled: false },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...common },
    blockFieldSuggestion: { enabled: production, mask: '' },
  }).protect();
  return {
    validationRules: [
      ...armor.validationRules,
      duplicateFieldsRule(limits.maxDuplicateFields),
      directivesPerLocationRule(),
    ] as ValidationRule[],
    plugins: [...(armor.plugins as ApolloServerPlugin<TContext>[]), oneErrorWhenTooLarge()],
  };
}

/**
 * Refuses a document of more than `max` lexical tokens before Apollo parses it (400, the same
 * message as every limit): counting stops at max + 1, so a huge document costs no more than that.
 * A document that does not lex is left to Apollo's parser and its own error.
 */
export function tokenLimit(max: number, onRefused: (req: express.Request) => void): express.RequestHandler {
  return (req, res, next) => {
    const query = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') return next();
    let count = 0;
    try {
      const lexer = new Lexer(new Source(query));
      while (lexer.advance().kind !== TokenKind.EOF) if (++count > max) break;
    } catch {
      return next();
    }
    if (count <= max) return next();
    onRefused(req);
    res.status(400).json({ errors: [{ message: TOO_LARGE, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
  };
}

/**
 * An operation refused for its size gets that one error, not also the validation errors of
 * everything it overloaded (ten unknown directives would otherwise come back as ten errors,
 * which is how graphql-cop tells that they were all processed).
 */
function oneErrorWhenTooLarge<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          const tooLarge = errors?.find((e) => e.message.endsWith(TOO_LARGE));
          if (tooLarge && errors!.length > 1) response.body.singleResult.errors = [tooLarge];
        },
      };
    },
  };
}
