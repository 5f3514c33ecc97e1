import { createHash } from 'node:crypto';
import type { EntitySubscriberInterface, InsertEvent, UpdateEvent } from 'typeorm';
import { maskValue, type MaskStyle, type PhiClass } from '../phi/classification.js';
import { jsonStringArray } from '../db/transformers.js';
import { isSealed, SealedValueError, sealedNonce } from './envelope.js';

/** A list column's text as the list (the transformer list columns had before they were sealed). */
const parseList = (text: string | null): string[] => jsonStringArray.from(text) as string[];
import type { FieldCipher } from './field-cipher.js';
import type { BlindIndexName } from './keyring.js';

/** Where a GraphQL field's value is stored: an entity property backed by one column. */
export interface StoredField {
  property: string;
  column: string;
  /** The schema coordinate whose @phi classification decides whether the column is sealed. */
  field: string;
  /** A string array kept as JSON text. */
  json?: boolean;
  /** A blind index of this value kept in `indexProperty`, for equality search. */
  index?: { name: BlindIndexName; property: string };
  /**
   * This column keeps the masked form (the field's @phi mask) of another property's value,
   * computed when that value is written and sealed like it: a masked read opens this, never the
   * whole value (a nurse's view of an SSN needs its last four digits, nothing more).
   */
  maskOf?: string;
}

/** Masks whose form is a string computed from the value alone, so it can be kept beside it. */
const STORABLE_MASKS: ReadonlySet<MaskStyle> = new Set(['SSN', 'PHONE', 'EMAIL', 'YEAR', 'LAST4']);

/**
 * Where a loaded row keeps its masked forms: schema coordinate (`Patient.ssn`) -> the masked
 * value, opened on demand. The masking middleware reads it instead of the field's resolver.
 */
export const MASKED_FORMS = Symbol('maskedForms');

/** What a masked form's opener answers when the form cannot be trusted: mask the whole value instead. */
export const NO_FORM = Symbol('noForm');

/**
 * The row id a masked form is sealed under: the row and the nonce of its value's ciphertext (a
 * digest of the stored text when it is not sealed), so a form outlives no replacement of its
 * value (a new value, an erasure, a value written in the clear, a re-seal) and moves nowhere. A
 * value damaged in place (its nonce kept, its body or tag altered) keeps its form: the form is
 * still that of the value the services sealed, which no longer opens.
 */
export function formBinding(rowId: string, valueCiphertext: string): string {
  const nonce = sealedNonce(valueCiphertext);
  return `${rowId}#${nonce ?? createHash('sha256').update(valueCiphertext).digest('hex').slice(0, 24)}`;
}

/** The masked form of `Type.field` the row holds, if it holds one (see StoredField.maskOf). */
export function maskedFormOf(row: unknown, coordinate: string): (() => unknown) | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  return (row as { [MASKED_FORMS]?: Record<string, () => unknown> })[MASKED_FORMS]?.[coordinate];
}

/** One table's stored fields, as a subgraph declares them beside its entities. */
export interface StoredTable {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entity: Function;
  table: string;
  /** The primary key's property, bound into every sealed value of a row (default `id`). */
  idProperty?: string;
  fields: StoredField[];
}

/**
 * Whether a field's stored value must be sealed, read from its @phi classification (never a
 * hand-kept list): identifiers and sensitive clinical text, and anything the analyst view
 * removes or generalises (a full birth date, a five-digit ZIP, free text like a dosage).
 * Values shown to analysts as they are (gender, state, codes) stay searchable in the clear.
 */
export function mustSeal(c: PhiClass): boolean {
  return (
    c.category === 'DIRECT_IDENTIFIER' ||
    c.category === 'SENSITIVE_CLINICAL' ||
    c.deid === 'REMOVE' ||
    c.deid === 'BIRTH_YEAR' ||
    c.deid === 'ZIP3'
  );
}

/** An entity class, as TypeORM's metadata names it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;

export interface SealPlan {
  tables: Map<
    EntityClass,
    {
      table: string;
      idProperty: string;
      sealed: StoredField[];
      json: StoredField[];
      /** Masked-form columns, each with the field it masks and how. */
      masked: { form: StoredField; source: StoredField; style: MaskStyle }[];
      /** Masked-form column -> the value column it masks (forms are left as stored on load: their opener reads them). */
      sourceOf: ReadonlyMap<StoredField, StoredField>;
      /** The sealed columns in the order a write seals them: values first, then forms (bound to their values' ciphertext). */
      sealOrder: readonly StoredField[];
    }
  >;
  problems: string[];
}

/** Which columns of which tables are sealed; a stored field with no classification is a problem. */
export function sealPlan(tables: readonly StoredTable[], classes: ReadonlyMap<string, PhiClass>): SealPlan {
  const plan: SealPlan = { tables: new Map(), problems: [] };
  for (const t of tables) {
    const sealed: StoredField[] = [];
    for (const f of t.fields) {
      const c = classes.get(f.field);
      if (!c) plan.problems.push(`${t.table}.${f.column} is stored for ${f.field}, which has no @phi classification`);
      else if (mustSeal(c)) sealed.push(f);
    }
    const masked: { form: StoredField; source: StoredField; style: MaskStyle }[] = [];
    for (const form of t.fields.filter((f) => f.maskOf !== undefined)) {
      const source = t.fields.find((f) => f.property === form.maskOf && f.maskOf === undefined);
      const style = classes.get(form.field)?.mask;
      if (!source || source.field !== form.field || !style || !STORABLE_MASKS.has(style) || !sealed.includes(form))
        plan.problems.push(`${t.table}.${form.column} cannot keep the masked form of ${form.maskOf}`);
      else masked.push({ form, source, style });
    }
    plan.tables.set(t.entity, {
      table: t.table,
      idProperty: t.idProperty ?? 'id',
      sealed,
      json: t.fields.filter((f) => f.json),
      masked,
      sourceOf: new Map(masked.map((m) => [m.form, m.source])),
      sealOrder: [...sealed.filter((f) => !masked.some((m) => m.form === f)), ...masked.map((m) => m.form)],
    });
  }
  return plan;
}

type Row = Record<string, unknown>;

/**
 * Seals columns on their way into the database and opens them lazily on the way out: a loaded
 * row holds ciphertext, and a property is decrypted the first time a resolver reads it (once per
 * row, so once per value per request; masked and denied fields that are never read are never
 * decrypted). The caller's own object keeps its plaintext after an insert.
 */
export class SealedColumns implements EntitySubscriberInterface {
  private readonly plaintexts = new WeakMap<object, Row>();

  constructor(
    private readonly plan: SealPlan,
    private readonly cipher: FieldCipher,
  ) {}

  private tableOf(target: unknown) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    return typeof target === 'function' ? this.plan.tables.get(target as Function) : undefined;
  }

  beforeInsert(event: InsertEvent<Row>): void {
    this.sealRow(event.metadata.target, event.entity);
  }

  afterInsert(event: InsertEvent<Row>): void {
    this.restore(event.entity);
  }

  beforeUpdate(event: UpdateEvent<Row>): void {
    if (event.entity) this.sealRow(event.metadata.target, event.entity as Row);
  }

  afterUpdate(event: UpdateEvent<Row>): void {
    if (event.entity) this.restore(event.entity as Row);
  }

  afterLoad(entity: Row): void {
    const t = this.tableOf(entity?.constructor);
    if (!t) return;
    const rowId = String(entity[t.idProperty]);
    if (t.masked.length > 0) {
      const forms: Record<string, () => unknown> = {};
      for (const { form, source } of t.masked) {
        const value = entity[source.property];
        if (value === null || value === undefined) {
          // No value, nothing to mask (whatever a stale form column says).
          forms[form.field] = () => null;
          continue;
        }
        // A row from before masked forms were kept has no form: the whole value is masked.
        const stored = entity[form.property];
        if (stored === null || stored === undefined) continue;
        const ctx = { table: t.table, column: form.column, rowId: formBinding(rowId, String(value)) };
        // A form that does not open under its value's ciphertext (the value was changed or
        // erased outside the services, or the form moved) is never shown: the whole value is
        // masked instead, and that fails if the value itself does not open. Opened here, once,
        // not through a property getter (no resolver reads a form column).
        let opened: unknown;
        forms[form.field] = () => {
          if (opened !== undefined) return opened;
          try {
            if (!isSealed(stored)) return NO_FORM;
            return (opened = this.cipher.open(stored, ctx));
          } catch (err) {
            if (err instanceof SealedValueError) return NO_FORM;
            throw err;
          }
        };
      }
      Object.defineProperty(entity, MASKED_FORMS, { value: forms, enumerable: false });
    }
    for (const f of t.json) {
      if (!t.sealed.includes(f)) entity[f.property] = parseList(entity[f.property] as string | null);
    }
    for (const f of t.sealed) {
      const stored = entity[f.property];
      if (stored === null || stored === undefined || t.sourceOf.has(f)) continue;
      const ctx = { table: t.table, column: f.column, rowId };
      let value: unknown;
      let opened = false;
      Object.defineProperty(entity, f.property, {
        enumerable: true,
        configurable: true,
        get: () => {
          if (!opened) {
            // A value stored unsealed (a DBA's edit, a row from before sealing that
            // `npm run keys -- reencrypt` has not reached) is an error, never served as genuine.
            if (!isSealed(stored)) throw new SealedValueError(`${t.table}.${f.column} holds an unsealed value`);
            const text = this.cipher.open(stored, ctx);
            value = f.json ? parseList(text) : text;
            opened = true;
          }
          return value;
        },
        set: (v: unknown) => {
          value = v;
          opened = true;
        },
      });
    }
  }

  /** Seals one row in place (the insert's values), keeping its plaintext to give back after. */
  sealRow(target: unknown, row: Row | undefined): void {
    const t = this.tableOf(target);
    if (!t || !row) return;
    // The masked forms of the values being written, from their plaintext, before anything is sealed.
    for (const { form, source, style } of t.masked) {
      if (!(source.property in row)) continue;
      const value = row[source.property];
      row[form.property] = value === null || value === undefined ? null : String(maskValue(style, value));
    }
    const before: Row = {};
    for (const f of t.json) {
      if (t.sealed.includes(f)) continue;
      before[f.property] = row[f.property];
      row[f.property] = JSON.stringify(row[f.property] ?? []);
    }
    const rowId = String(row[t.idProperty]);
    // Values first, then the masked forms, each bound to its value's new ciphertext.
    for (const f of t.sealOrder) {
      const value = row[f.property];
      // Whatever it looks like (a client may send text starting "enc1:"), a value is sealed.
      if (value === null || value === undefined) continue;
      const text = f.json ? JSON.stringify(value) : String(value);
      before[f.property] = value;
      if (f.index) row[f.index.property] = this.cipher.blindIndex(f.index.name, text) ?? null;
      const source = t.sourceOf.get(f);
      const binding = source ? formBinding(rowId, String(row[source.property])) : rowId;
      row[f.property] = this.cipher.seal(text, { table: t.table, column: f.column, rowId: binding });
    }
    this.plaintexts.set(row, before);
  }

  private restore(row: Row | undefined): void {
    const before = row && this.plaintexts.get(row);
    if (!row || !before) return;
    Object.assign(row, before);
    this.plaintexts.delete(row);
  }
}
