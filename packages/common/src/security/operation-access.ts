import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  defaultFieldResolver,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { IMiddlewareFunction } from 'graphql-middleware';
import type { Access } from './access.js';

/** Context flag: every field the operation can touch is granted in the clear to this caller. */
export interface OperationAccessContext extends BaseContext {
  access: Access;
  identity?: { deidentified: boolean };
  clearOperation?: boolean;
}

/** Every (type, field) an operation document names, fragments included (even unused: conservative). */
const fieldMemo = new WeakMap<DocumentNode, [string, string][]>();

export function fieldsOf(document: DocumentNode, schema: GraphQLSchema): [string, string][] {
  // Apollo hands the same parsed document to every request with the same query text.
  const hit = fieldMemo.get(document);
  if (hit) return hit;
  const out: [string, string][] = [];
  fieldMemo.set(document, out);
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (node.name.value.startsWith('__')) return;
        // A field on an abstract type is resolved on its members: check each one.
        if (parent && isObjectType(parent)) out.push([parent.name, node.name.value]);
        else if (parent) for (const t of schema.getPossibleTypes(parent as never)) out.push([t.name, node.name.value]);
      },
    }),
  );
  return out;
}

const memo = new WeakMap<DocumentNode, Map<Access, boolean>>();

/** Whether every field of the document is granted in the clear; memoised per parsed document and role set. */
export function operationIsClear(document: DocumentNode, schema: GraphQLSchema, access: Access): boolean {
  let byAccess = memo.get(document);
  if (!byAccess) memo.set(document, (byAccess = new Map()));
  let clear = byAccess.get(access);
  if (clear === undefined) {
    clear = fieldsOf(document, schema).every(([t, f]) => access.decide(t, f) === 'clear');
    byAccess.set(access, clear);
  }
  return clear;
}

/**
 * Decides, once per operation, whether the policy grants every field it names in the clear. The
 * generated shield answers the same question field by field; when the operation-level answer is
 * already "all clear" the per-field answers are all `true`, so running them only costs time
 * (STYLE.md habit 12). Any operation with a masked, denied or unknown field runs through the
 * shield, which produces the per-field FORBIDDEN errors.
 */
export function operationAccessPlugin(): ApolloServerPlugin<OperationAccessContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue, schema }) {
          // De-identified requests always take the full path: their transforms live in it.
          contextValue.clearOperation =
            contextValue.identity?.deidentified !== true && operationIsClear(document, schema, contextValue.access);
        },
      };
    },
  };
}

/**
 * The outermost resolver middleware: for an all-clear operation, call the field's own resolver
 * directly (synchronously where it is synchronous); otherwise go through the shield.
 */
export function clearOperationFastPath(base: GraphQLSchema): IMiddlewareFunction {
  const originals = new Map<string, Map<string, GraphQLFieldResolver<unknown, unknown>>>();
  for (const type of Object.values(base.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = new Map<string, GraphQLFieldResolver<unknown, unknown>>();
    for (const [name, field] of Object.entries(type.getFields()))
      fields.set(name, field.resolve ?? defaultFieldResolver);
    originals.set(type.name, fields);
  }
  return (resolve, parent, args, ctx, info) => {
    if ((ctx as OperationAccessContext).clearOperation === true) {
      const original = originals.get(info.parentType.name)?.get(info.fieldName);
      if (original) return original(parent, args, ctx, info);
    }
    return resolve(parent, args, ctx, info);
  };
}
