import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { IMiddlewareFieldMap, IMiddlewareFunction } from 'graphql-middleware';
import type { Access } from '../security/access.js';
import { ageOf, Pseudonymizer, zip3 } from './deid.js';
import { forbidden } from '../errors/catalogue.js';
import { decodeCursor, encodeCursor } from '../db/ids.js';
import type { Identity } from '../security/identity.js';
import { maskValue, type PhiClass } from './classification.js';
import { maskedFormOf, NO_FORM } from '../crypto/sealed-columns.js';

interface PhiContext {
  access: Access;
  identity: Identity;
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown>)?.then === 'function';
const after = (v: unknown, f: (x: unknown) => unknown) => (isPromise(v) ? v.then(f) : f(v));

function byType(classes: Map<string, PhiClass>, want: (c: PhiClass) => boolean) {
  const map: Record<string, Record<string, PhiClass>> = {};
  for (const [key, c] of classes) {
    if (!want(c)) continue;
    const [type, field] = key.split('.') as [string, string];
    (map[type] ??= {})[field] = c;
  }
  return map;
}

/**
 * Masking for clinical roles: on fields with a mask style, when the policy says "masked" for the
 * caller, the masked form leaves the subgraph instead of the value, and the value is decrypted
 * only when the form has to be made from it. Decided by a table lookup; fields without a mask
 * style are never wrapped.
 */
export function maskingMiddleware(classes: Map<string, PhiClass>): IMiddlewareFieldMap {
  const out: IMiddlewareFieldMap = {};
  for (const [type, fields] of Object.entries(byType(classes, (c) => c.mask !== undefined && c.mask !== 'INHERIT'))) {
    out[type] = {};
    for (const [field, c] of Object.entries(fields)) {
      const style = c.mask!;
      const coordinate = `${type}.${field}`;
      (out[type] as Record<string, IMiddlewareFunction>)[field] = (resolve, parent, args, ctx: PhiContext, info) => {
        if (ctx.access.decide(type, field) !== 'masked') return resolve(parent, args, ctx, info);
        // Masked: the value itself is not read where it need not be. A withheld field is a
        // constant; a row that keeps the field's masked form (crypto/sealed-columns.ts) opens
        // only that. Otherwise the value is read and masked here.
        if (style === 'WITHHOLD') return maskValue(style, '');
        const form = maskedFormOf(parent, coordinate)?.();
        if (form !== undefined && form !== NO_FORM) return form;
        return after(resolve(parent, args, ctx, info), (v) => maskValue(style, v));
      };
    }
  }
  return out;
}

/**
 * Where a subgraph serves a de-identified field from something other than its source (the
 * k-anonymous release of the patient subgraph): by `Type.field`, for de-identified requests only.
 */
export type DeidOverrides = Record<string, (parent: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown>;

/**
 * The quasi-identifiers the analyst schema shows on the types a subgraph serves from its
 * k-anonymous release (`governed`) that have no override: one of them would leave
 * ungeneralised, beside the k-anonymous ones, and undo them. A subgraph refuses to start with any.
 */
export function uncoveredQuasiIdentifiers(
  classes: Map<string, PhiClass>,
  overrides: DeidOverrides = {},
  governed: readonly string[] = [],
): string[] {
  return [...classes]
    .filter(([key, c]) => {
      const shown = c.from !== undefined || (c.as === undefined && c.deid !== 'REMOVE');
      return governed.includes(key.split('.')[0]!) && c.category === 'QUASI_IDENTIFIER' && shown && !overrides[key];
    })
    .map(([key]) => key);
}

/** An analyst field's value from its source's: a year as a number (none past 89 for a birth), a ZIP3. */
function derived(c: PhiClass, restrictedZip3?: readonly string[]): (v: unknown) => unknown {
  switch (c.deid) {
    case 'BIRTH_YEAR':
      return (v) => (typeof v === 'string' && (ageOf(v) ?? 90) < 90 ? Number(v.slice(0, 4)) : null);
    case 'YEAR':
      return (v) => (typeof v === 'string' && /^\d{4}/.test(v) ? Number(v.slice(0, 4)) : null);
    default:
      return (v) => zip3(v as string | null, restrictedZip3);
  }
}

/** Arguments that carry record ids (or cursors over them) into a subgraph. */
const ID_ARGS = new Set(['id', 'patientId']);

/**
 * De-identification, inside the subgraph, for requests whose internal token says so (the analyst
 * endpoint): record ids leave as pseudonyms and come back in through the same key; dates leave
 * as years (no year at all for ages over 89); ZIP codes as ZIP3 with sparse areas as 000; fields
 * marked REMOVE are refused even if someone reaches them.
 */
export function deidMiddleware(
  schema: GraphQLSchema,
  classes: Map<string, PhiClass>,
  pseudonyms: Pseudonymizer,
  restrictedZip3?: readonly string[],
  overrides: DeidOverrides = {},
): IMiddlewareFieldMap {
  const out: Record<string, Record<string, IMiddlewareFunction>> = {};
  const fieldOf = (type: string, field: string) =>
    (schema.getType(type) as GraphQLObjectType | undefined)?.getFields()[field];
  const output = (c: PhiClass): ((v: unknown, parent: unknown) => unknown) | undefined => {
    if (c.from !== undefined) return derived(c, restrictedZip3);
    switch (c.deid) {
      case 'PSEUDONYM':
        return (v) => (typeof v === 'string' ? pseudonyms.pseudonym(v) : v);
      case 'CURSOR':
        return (v) => (typeof v === 'string' ? encodeCursor(pseudonyms.pseudonym(decodeCursor(v)!)) : v);
      case 'YEAR':
        return (v) => (typeof v === 'string' ? v.slice(0, 4) : v);
      case 'BIRTH_YEAR':
        return (v) => (typeof v === 'string' && (ageOf(v) ?? 0) < 90 ? v.slice(0, 4) : null);
      case 'ZIP3':
        return (v) => zip3(v as string | null, restrictedZip3);
      default:
        return undefined;
    }
  };
  for (const [key, c] of classes) {
    const [type, field] = key.split('.') as [string, string];
    const transform = output(c);
    // A renamed field is in the analyst schema under its new name only.
    const removed = c.deid === 'REMOVE' || c.as !== undefined;
    const fieldDef = fieldOf(type, field);
    const takesIds = fieldDef?.args.some((a) => ID_ARGS.has(a.name) || a.name === 'after') ?? false;
    const override = overrides[key];
    // The source's own resolver, as the subgraph wrote it (before any middleware wraps it).
    const source = c.from !== undefined ? fieldOf(type, c.from)?.resolve : undefined;
    const sourceName = c.from;
    // A kept field with no id arguments has nothing to de-identify: it is not wrapped at all.
    if (!removed && !transform && !takesIds && !override) continue;
    (out[type] ??= {})[field] = (resolve, parent, args, ctx: PhiContext, info) => {
      if (!ctx.identity?.deidentified) {
        // Analyst fields answer de-identified requests only (the clinical API does not show them).
        if (sourceName !== undefined) return forbidden('Only in the de-identified schema');
        return resolve(parent, args, ctx, info);
      }
      if (removed) return forbidden('Not part of the de-identified schema');
      if (override) return override(parent, ctx, info);
      const value =
        sourceName !== undefined
          ? source
            ? source(parent, {}, ctx, info)
            : (parent as Record<string, unknown>)[sourceName]
          : resolve(parent, revealArgs(args, pseudonyms), ctx, info);
      return transform
        ? after(value, (v) => (Array.isArray(v) ? v.map((x) => transform(x, parent)) : transform(v, parent)))
        : value;
    };
  }
  for (const key of Object.keys(overrides)) {
    if (!classes.has(key)) throw new Error(`a de-identification override for ${key}, which the schema does not have`);
  }
  // Entity representations from the gateway carry pseudonymous keys.
  if (!schema.getQueryType()?.getFields()._entities) return out;
  (out.Query ??= {})._entities = (resolve, parent, args, ctx: PhiContext, info) => {
    if (!ctx.identity?.deidentified) return resolve(parent, args, ctx, info);
    const reps = (args.representations as Record<string, unknown>[]).map((r) =>
      typeof r.id === 'string' ? { ...r, id: pseudonyms.reveal(r.id) } : r,
    );
    return resolve(parent, { ...args, representations: reps }, ctx, info);
  };
  return out;
}

function revealArgs(args: Record<string, unknown>, pseudonyms: Pseudonymizer): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(args)) {
    if (ID_ARGS.has(name) && typeof value === 'string') (copy ??= { ...args })[name] = pseudonyms.reveal(value, name);
    if (name === 'after' && typeof value === 'string') {
      (copy ??= { ...args })[name] = encodeCursor(pseudonyms.reveal(decodeCursor(value), 'after'));
    }
  }
  return copy ?? args;
}

export type { GraphQLFieldResolver, GraphQLResolveInfo };
