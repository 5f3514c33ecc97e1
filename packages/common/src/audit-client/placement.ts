import {
  defaultFieldResolver,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { IMiddlewareFieldMap, IMiddlewareFunction } from 'graphql-middleware';
import type { AccessCollector } from './collector.js';
import { pathKey } from './collector.js';
import { isId } from '../db/ids.js';
import { SCOPE_SUBJECT } from '../security/scoped-load.js';

interface Placing {
  audit?: AccessCollector;
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown>)?.then === 'function';

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}

/** Notes, for each row a loader served, the response path it is returned at. */
function place(audit: AccessCollector, value: unknown, at: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (isPromise(item))
        void item.then(
          (v) => place(audit, v, `${at}.${i}`),
          () => undefined,
        );
      else place(audit, item, `${at}.${i}`);
    });
    return;
  }
  const ref = audit.rowOf(value);
  if (ref) audit.placed.set(at, ref);
}

/** The record a root field's arguments name: `patientId` (a patient), else `id` (a row of its type). */
function namedBy(
  field: GraphQLField<unknown, unknown>,
): ((args: Record<string, unknown>) => [string, string] | undefined) | undefined {
  if (field.args.some((a) => a.name === 'patientId')) {
    return (args) => (isId(args.patientId) ? [SCOPE_SUBJECT, args.patientId] : undefined);
  }
  const named = getNamedType(field.type);
  if (field.args.some((a) => a.name === 'id') && isObjectType(named)) {
    return (args) => (isId(args.id) ? [named.name, args.id] : undefined);
  }
  return undefined;
}

/**
 * Wraps, in place, the resolvers that decide which row stands at which response path, so the
 * audit knows it whether or not the row's id was selected:
 * - fields that can return rows (an object type with an `id`, or an abstract type such as
 *   `_Entity`): each returned value a loader served is placed at its path;
 * - `_entities`: each representation is placed at its index, loaded or not (a refused or
 *   unloaded reference is still the row the gateway asked about);
 * - root fields with an `id` or `patientId` argument: the record named is placed before the
 *   resolver runs, so a refusal is recorded against it.
 * Arguments are read as the resolver gets them: after de-identification has revealed
 * pseudonyms, so records carry real ids. Once per row-returning field, never per scalar field
 * (STYLE.md habit 12). Run before the middleware is applied: the all-clear fast path calls these
 * resolvers directly and keeps the placing.
 */
export function placeRows(schema: GraphQLSchema): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType()].filter((t) => t !== null && t !== undefined));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const root = roots.has(type);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const rowish =
        isUnionType(named) || isInterfaceType(named) || (isObjectType(named) && named.getFields().id !== undefined);
      const entities = root && field.name === '_entities';
      const argumentRow = root && !entities ? namedBy(field) : undefined;
      if (!rowish && !argumentRow) continue;
      const original = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args: Record<string, unknown>, ctx: Placing, info) => {
        const audit = ctx?.audit;
        if (!audit) return original(parent, args, ctx, info);
        const at = pathKey(pathOf(info));
        const named = argumentRow?.(args);
        if (named) audit.named.set(at, audit.reference(named[0], named[1]));
        if (entities && Array.isArray(args.representations)) {
          args.representations.forEach((rep: unknown, i) => {
            const r = rep as { __typename?: unknown; id?: unknown };
            // Only well-formed ids: text a client chose never becomes a record's id.
            if (typeof r?.__typename === 'string' && isId(r.id))
              audit.placed.set(`${at}.${i}`, audit.reference(r.__typename, r.id));
          });
        }
        const value = original(parent, args, ctx, info);
        if (!rowish) return value;
        if (isPromise(value)) return value.then((v) => (place(audit, v, at), v));
        place(audit, value, at);
        return value;
      };
    }
  }
}

/**
 * The same placing of root fields' named records, as middleware that runs before the shield:
 * a root field the policy refuses never reaches its resolver, and its refusal must still be
 * recorded against the record it named. Placed after de-identification (real ids). Root fields
 * only: a handful per schema, once per request.
 */
export function rootArgumentsMiddleware(schema: GraphQLSchema): IMiddlewareFieldMap {
  const out: Record<string, Record<string, IMiddlewareFunction>> = {};
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const named = field.name === '_entities' ? undefined : namedBy(field);
      if (!named) continue;
      (out[type.name] ??= {})[field.name] = (resolve, parent, args: Record<string, unknown>, ctx: Placing, info) => {
        const ref = named(args);
        if (ref && ctx?.audit) ctx.audit.named.set(pathKey(pathOf(info)), ctx.audit.reference(ref[0], ref[1]));
        return resolve(parent, args, ctx, info);
      };
    }
  }
  return out;
}
