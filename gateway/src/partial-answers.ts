import { Kind, parse, type DocumentNode, type FieldNode, type SelectionSetNode, type TypeNode } from 'graphql';

/** How a field can stand empty: a list as [], a nullable field as null; a required one cannot. */
export type FieldShape = 'list' | 'nullable' | 'required';

/** `Type.field` to its shape, for every object field of the supergraph. */
export function fieldShapes(supergraphSdl: string): Map<string, FieldShape> {
  const shapes = new Map<string, FieldShape>();
  const shapeOf = (t: TypeNode): FieldShape =>
    t.kind === Kind.NON_NULL_TYPE
      ? t.type.kind === Kind.LIST_TYPE
        ? 'list'
        : 'required'
      : t.kind === Kind.LIST_TYPE
        ? 'list'
        : 'nullable';
  for (const def of parse(supergraphSdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const f of def.fields ?? []) shapes.set(`${def.name.value}.${f.name.value}`, shapeOf(f.type));
  }
  return shapes;
}

/** The selections of `_entities` that apply to one typename (its inline fragments and plain fields). */
function fieldsFor(set: SelectionSetNode, typename: string): FieldNode[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT && (!s.typeCondition || s.typeCondition.name.value === typename))
      return fieldsFor(s.selectionSet, typename);
    return [];
  });
}

/**
 * What an entity fetch answers in place of a subgraph that did not answer: for each
 * representation, every list field it was asked for empty and every nullable one null, so
 * that a patient whose notes are unreachable keeps everything else (the README's promise)
 * instead of losing the whole patient to a non-null list. Undefined when a field asked for is
 * required and not a list: then there is nothing honest to stand in, and the error stays.
 */
export function emptyEntities(
  query: string | DocumentNode,
  representations: readonly unknown[],
  shapes: ReadonlyMap<string, FieldShape>,
): Record<string, unknown>[] | undefined {
  const doc = typeof query === 'string' ? parse(query) : query;
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const entities = op?.selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities',
  );
  if (!entities?.selectionSet) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const rep of representations) {
    const typename = (rep as { __typename?: unknown }).__typename;
    if (typeof typename !== 'string') return undefined;
    const entity: Record<string, unknown> = { __typename: typename };
    for (const f of fieldsFor(entities.selectionSet, typename)) {
      const key = f.alias?.value ?? f.name.value;
      if (f.name.value === '__typename') {
        entity[key] = typename;
        continue;
      }
      const shape = shapes.get(`${typename}.${f.name.value}`);
      if (shape === 'list') entity[key] = [];
      else if (shape === 'nullable') entity[key] = null;
      else return undefined;
    }
    out.push(entity);
  }
  return out;
}
