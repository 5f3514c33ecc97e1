import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  /** Nesting of fields, fragments expanded. */
  maxDepth: number;
  /** Fields selected in the whole operation, fragments expanded (a cost bound). */
  maxFields: number;
  /** Aliased fields: aliases multiply work on one field. */
  maxAliases: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxFields: 1500, maxAliases: 40 };

/**
 * A validation rule that refuses operations too deep, too wide or too aliased before any
 * subgraph is asked: a malicious or careless query gets a clear 400, never a hang.
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return {
      OperationDefinition(op) {
        let fields = 0;
        let aliases = 0;
        let deepest = 0;
        const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): void => {
          for (const s of set.selections) {
            if (fields > limits.maxFields) return;
            if (s.kind === Kind.FIELD) {
              fields++;
              if (s.alias) aliases++;
              deepest = Math.max(deepest, depth);
              // Introspection (development only) nests type references deeply by design: not counted.
              if (s.name.value.startsWith('__')) continue;
              if (s.selectionSet && depth < limits.maxDepth + 1) walk(s.selectionSet, depth + 1, seen);
            } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, depth, seen);
            else {
              const f = fragments.get(s.name.value);
              // A fragment that spreads itself is invalid anyway; do not loop on it.
              if (f && !seen.has(f.name.value)) walk(f.selectionSet, depth, new Set([...seen, f.name.value]));
            }
          }
        };
        walk(op.selectionSet, 1, new Set());
        const problems = [
          deepest > limits.maxDepth
            ? `nests fields ${deepest > limits.maxDepth + 1 ? 'more than ' : ''}${Math.min(deepest, limits.maxDepth + 1)} deep (at most ${limits.maxDepth})`
            : '',
          fields > limits.maxFields ? `selects more than ${limits.maxFields} fields` : '',
          aliases > limits.maxAliases ? `uses ${aliases} aliases (at most ${limits.maxAliases})` : '',
        ].filter(Boolean);
        if (problems.length > 0)
          context.reportError(
            new GraphQLError(`The operation is too large: it ${problems.join(', ')}`, { nodes: [op] }),
          );
      },
    };
  };
}
