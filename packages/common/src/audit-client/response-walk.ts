import {
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Access } from '../security/access.js';
import type { AccessCollector, RowRef } from './collector.js';
import { pathKey } from './collector.js';
import { ACCESS_OUTCOMES, worstOutcome, type Outcome } from './record.js';

/** What one row of the response carried: per field, what left (or was refused). */
export interface RowAccess {
  ref: RowRef;
  fields: Map<string, Outcome>;
}

/** An error as the walk needs it: where, and which catalogue code. */
export interface WalkError {
  path?: readonly (string | number)[];
  extensions?: { code?: unknown };
}

/** Codes that mean "refused": the policy (FORBIDDEN) or the record scope. Anything else is ERROR. */
const REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'BREAK_GLASS_REQUIRED']);

/** The outcome an error with this code stands for. */
export const errorOutcome = (code: unknown): Outcome =>
  typeof code === 'string' && REFUSALS.has(code) ? ACCESS_OUTCOMES.denied : ACCESS_OUTCOMES.error;

type Variables = Record<string, unknown>;

/**
 * Builds the access of one request from what it returned, once, after execution: one walk of the
 * response data and its errors against the operation (aliases, fragments, @skip/@include with
 * the request's variables, abstract types), never from the query text alone.
 *
 * - A row is what `placeRows` placed at a response path: a value a loader served, an `_entities`
 *   representation, or the record a root field's `id`/`patientId` argument named (real ids,
 *   after de-identification revealed them).
 * - For each row, each field present in the response is CLEAR or MASKED as `Access.decide` says
 *   (the same decision the shield and masking used); a field that came back null left nothing
 *   and is not recorded; a field with an error at its own path is DENIED (FORBIDDEN, or a scope
 *   refusal) or ERROR, against that row only.
 */
export function accessFromResponse(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Variables | undefined;
  data: Record<string, unknown> | null | undefined;
  errors: readonly WalkError[];
  audit: AccessCollector;
  access: Access;
  /** How a returned value left; by default as `access.decide` says (masked or clear). */
  outcomeOf?: (type: string, field: string) => Outcome;
}): Map<string, RowAccess> {
  const { schema, document, audit, access } = input;
  const rows = new Map<string, RowAccess>();
  const outcomeOf =
    input.outcomeOf ??
    ((type: string, field: string) =>
      access.decide(type, field) === 'masked' ? ACCESS_OUTCOMES.masked : ACCESS_OUTCOMES.clear);
  const operation = getOperationAST(document, input.operationName ?? undefined);
  if (!operation) return rows;
  // The variables as execution saw them: defaults applied, values coerced.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {});
  const variables: Variables = coerced.coerced ?? {};
  const root = schema.getRootType(operation.operation);
  if (!root) return rows;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const errorAt = new Map<string, string>();
  /** Errors already recorded against a row during the walk. */
  const attributed = new Set<string>();
  for (const e of input.errors) {
    if (!e.path) continue;
    const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
    errorAt.set(pathKey(e.path), code);
  }

  const rowFor = (ref: RowRef): RowAccess => {
    const key = `${ref.entityType}:${ref.entityId}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { ref, fields: new Map() }));
    return row;
  };
  const note = (row: RowAccess, path: string, outcome: Outcome) =>
    row.fields.set(path, worstOutcome(row.fields.get(path), outcome));
  /** Whether @skip/@include let this selection through, with this request's variables. */
  const included = (node: FieldNode | { directives?: FieldNode['directives'] }): boolean => {
    const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, variables);
    return include?.if !== false;
  };
  const applies = (condition: string | undefined, type: GraphQLObjectType): boolean => {
    if (!condition || condition === type.name) return true;
    const t = schema.getType(condition);
    return t !== undefined && isAbstractType(t) && schema.isSubType(t, type);
  };
  /** Response key -> the field nodes that produce it, for one runtime type (GraphQL's CollectFields). */
  const collect = (
    type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
    out = new Map<string, FieldNode[]>(),
    seen = new Set<string>(),
  ) => {
    for (const set of sets) {
      for (const sel of set.selections) {
        if (!included(sel)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const list = out.get(key);
          if (list) list.push(sel);
          else out.set(key, [sel]);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (applies(sel.typeCondition?.name.value, type)) collect(type, [sel.selectionSet], out, seen);
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || seen.has(name) || !applies(frag.typeCondition.name.value, type)) continue;
          seen.add(name);
          collect(type, [frag.selectionSet], out, seen);
        }
      }
    }
    return out;
  };
  /** One response key of an object of some type: what the walk needs of it, worked out once per request. */
  interface Slot {
    key: string;
    fieldPath: string;
    /** How a value here left (CLEAR or MASKED), decided once. */
    outcome: Outcome;
    /** The composite type below, if any, and the selections under it. */
    named: GraphQLNamedType | undefined;
    childSets: readonly SelectionSetNode[];
  }
  // Rows of one list share their selection: the slots of (type, selection) are worked out once,
  // so the per-row work is a property read and a map update per field (STYLE.md habit 12).
  const collected = new Map<readonly SelectionSetNode[], Map<string, Slot[]>>();
  const slotsOf = (type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Slot[] => {
    let byType = collected.get(sets);
    if (!byType) collected.set(sets, (byType = new Map()));
    let slots = byType.get(type.name);
    if (slots) return slots;
    slots = [];
    for (const [key, nodes] of collect(type, sets)) {
      const name = nodes[0]!.name.value;
      if (name.startsWith('__')) continue;
      const field = type.getFields()[name];
      if (!field) continue;
      const named = getNamedType(field.type);
      slots.push({
        key,
        fieldPath: `${type.name}.${name}`,
        outcome: outcomeOf(type.name, name),
        named: isCompositeType(named) ? named : undefined,
        childSets: nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
      });
    }
    byType.set(type.name, slots);
    return slots;
  };

  /** Walks one object of the response; `at` is its path as a key ('' at the root). */
  const visit = (
    type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
    value: Record<string, unknown>,
    at: string,
    owner: RowAccess | undefined,
  ): void => {
    const isRoot = at === '';
    for (const { key, fieldPath, outcome, named, childSets } of slotsOf(type, sets)) {
      const childAt = isRoot ? key : `${at}.${key}`;
      const code = errorAt.size > 0 ? errorAt.get(childAt) : undefined;
      const child = Object.hasOwn(value, key) ? value[key] : undefined;
      // Whose field this is: the row it sits on, or for a refused root field the record its
      // arguments named (placed before the resolver ran).
      const placedHere = isRoot && code !== undefined ? audit.named.get(childAt) : undefined;
      const target = owner ?? (placedHere ? rowFor(placedHere) : undefined);
      if (target) {
        if (code !== undefined) {
          attributed.add(childAt);
          note(target, fieldPath, errorOutcome(code));
        } else if (child !== null && child !== undefined && owner) note(target, fieldPath, outcome);
      }
      if (child === null || typeof child !== 'object' || !named) continue;
      const each = (item: unknown, itemAt: string): void => {
        if (Array.isArray(item)) {
          for (let i = 0; i < item.length; i++) each(item[i], `${itemAt}.${i}`);
          return;
        }
        const ref = audit.placed.get(itemAt);
        if (item === null || typeof item !== 'object') {
          // A refused row in a list (an `_entities` item): against the row its representation names.
          const itemError = errorAt.get(itemAt);
          if (ref && itemError !== undefined) {
            attributed.add(itemAt);
            note(rowFor(ref), fieldPath, errorOutcome(itemError));
          }
          return;
        }
        const obj = item as Record<string, unknown>;
        const runtime = isObjectType(named)
          ? named
          : ((typeof obj.__typename === 'string' ? schema.getType(obj.__typename) : undefined) ??
            (ref ? schema.getType(ref.entityType) : undefined));
        if (!runtime || !isObjectType(runtime)) return;
        // A value inside a row (a name, an address) belongs to that row's field, already noted;
        // only rows are walked as owners, and rows nested in values are still found.
        visit(runtime, childSets, obj, itemAt, ref ? rowFor(ref) : undefined);
      };
      each(child, childAt);
    }
  };
  /**
   * The field a response key names on a row of `typeName` found at `at`: the document is
   * followed along the path (aliases, fragments), abstract positions by the row placed there.
   */
  const fieldNameAt = (at: readonly (string | number)[], key: string, typeName: string): string | undefined => {
    let type: GraphQLObjectType = root;
    let sets: readonly SelectionSetNode[] = [operation.selectionSet];
    for (let i = 0; i < at.length; i++) {
      const step = at[i]!;
      if (typeof step === 'number') continue;
      const nodes = collect(type, sets).get(step);
      const field = nodes && type.getFields()[nodes[0]!.name.value];
      if (!nodes || !field) return undefined;
      sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const named = getNamedType(field.type);
      let next = isObjectType(named) ? named : undefined;
      if (!next) {
        // An abstract position: the row placed at the next item (or here) says which type it is.
        const placedType =
          audit.placed.get(pathKey(at.slice(0, i + 2)))?.entityType ??
          audit.placed.get(pathKey(at.slice(0, i + 1)))?.entityType;
        const t = placedType ? schema.getType(placedType) : undefined;
        next = t && isObjectType(t) ? t : undefined;
      }
      if (!next) return undefined;
      type = next;
    }
    const t = schema.getType(typeName);
    if (!t || !isObjectType(t)) return undefined;
    return collect(t, sets).get(key)?.[0]?.name.value;
  };

  visit(root, [operation.selectionSet], input.data ?? {}, '', undefined);
  // Errors under a row that vanished from the response (a non-null field's error nulls its row):
  // the walk never reached them, but the row they belong to was placed. Recorded against it.
  for (const e of input.errors) {
    if (!e.path || attributed.has(pathKey(e.path))) continue;
    const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
    for (let n = e.path.length - 1; n >= 1; n--) {
      const prefix = pathKey(e.path.slice(0, n));
      const ref = audit.placed.get(prefix) ?? (n === 1 ? audit.named.get(prefix) : undefined);
      const key = e.path[n];
      if (!ref || typeof key !== 'string') continue;
      const name = fieldNameAt(e.path.slice(0, n), key, ref.entityType);
      if (name) note(rowFor(ref), `${ref.entityType}.${name}`, errorOutcome(code));
      break;
    }
  }
  // Rows a loader refused that the response shows nowhere (a list filtered by scope): still refused.
  for (const ref of audit.entities.values()) {
    if (ref.denied && !rows.has(`${ref.entityType}:${ref.entityId}`)) rowFor(ref);
  }
  return rows;
}
