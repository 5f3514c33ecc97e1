import { randomUUID } from 'node:crypto';
import { badInput } from '../errors/catalogue.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Record ids are lowercase UUIDs; anything else is a malformed argument, not an unknown id. */
export function parseId(value: unknown, argument = 'id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw badInput(`Argument "${argument}" must be a record id (a lowercase UUID)`);
  }
  return value;
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function newId(): string {
  return randomUUID();
}

export const PAGE = { default: 20, max: 100 } as const;

/** Validates `first`: 1..100, default 20. */
export function parseFirst(first: unknown): number {
  if (first === undefined || first === null) return PAGE.default;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > PAGE.max) {
    throw badInput(`Argument "first" must be an integer from 1 to ${PAGE.max}`);
  }
  return first;
}

/** Opaque cursors: base64url of the last id seen. */
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

export function decodeCursor(after: unknown): string | undefined {
  if (after === undefined || after === null) return undefined;
  if (typeof after === 'string' && after.length <= 200) {
    const text = Buffer.from(after, 'base64url').toString();
    const id = text.startsWith('c:') ? text.slice(2) : '';
    if (isId(id) || /^[0-9]{1,20}$/.test(id)) return id;
  }
  throw badInput('Argument "after" is not a cursor returned by this API');
}
