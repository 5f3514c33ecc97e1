import {
  Kind,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type StringValueNode,
} from 'graphql';

/**
 * The analyst schema names a field for what it holds. A field tagged `@phi(deid: "YEAR",
 * as: "authoredYear")` is replaced, for analysts, by a field of that name holding the transformed
 * value: the derivation here adds it next to its source, hidden from the clinical API
 * (`@inaccessible`) and marked `@phi(from: "authoredOn")`; the analyst supergraph drops the source
 * and shows the derived field. Tagging the source once is all it takes: no second schema.
 */

/** The transforms that may rename, and the type of what they hold. */
const RENAMED_TYPES: Record<string, { type: string; describe: (source: string) => string }> = {
  YEAR: { type: 'Int', describe: (s) => `The year of \`${s}\`, and nothing finer (de-identified).` },
  BIRTH_YEAR: {
    type: 'Int',
    describe: () =>
      'Year of birth; null for ages of 90 or more (Safe Harbor) and wherever the release generalises birth to age bands (extensions.deidentification says when).',
  },
  ZIP3: {
    type: 'String',
    describe: () =>
      'The first three digits of the ZIP code, 000 for areas of 20,000 people or fewer; null wherever the release generalises geography to the state.',
  },
};

export interface AnalystField {
  type: string;
  /** The analyst field's name. */
  field: string;
  /** The source field it is derived from. */
  from: string;
  deid: string;
}

const argOf = (d: ConstDirectiveNode | undefined, name: string) =>
  (d?.arguments?.find((a) => a.name.value === name)?.value as StringValueNode | undefined)?.value;
const phiOf = (f: FieldDefinitionNode) => f.directives?.find((d) => d.name.value === 'phi');

const str = (value: string): StringValueNode => ({ kind: Kind.STRING, value });

/** The fields a schema derives for analysts, from `@phi(as: ...)`. Bad uses are errors, listed. */
export function analystFieldsOf(doc: DocumentNode): { fields: AnalystField[]; problems: string[] } {
  const fields: AnalystField[] = [];
  const problems: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const names = new Set(def.fields?.map((f) => f.name.value));
    for (const f of def.fields ?? []) {
      const phi = phiOf(f);
      const as = argOf(phi, 'as');
      if (as === undefined) continue;
      const deid = argOf(phi, 'deid') ?? '';
      const key = `${def.name.value}.${f.name.value}`;
      if (!RENAMED_TYPES[deid])
        problems.push(`${key}: "as" needs deid YEAR, BIRTH_YEAR or ZIP3, not ${deid || 'none'}`);
      else if (!/^[a-z][A-Za-z0-9]*$/.test(as) || names.has(as))
        problems.push(`${key}: "as" names a bad or taken field`);
      else fields.push({ type: def.name.value, field: as, from: f.name.value, deid });
    }
  }
  return { fields, problems };
}

/** The schema with every analyst field added next to its source. */
export function withAnalystFields(doc: DocumentNode): DocumentNode {
  const { fields, problems } = analystFieldsOf(doc);
  if (problems.length > 0) throw new Error(`invalid @phi renames: ${problems.join('; ')}`);
  if (fields.length === 0) return doc;
  const definitions = doc.definitions.map((def): DefinitionNode => {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) return def;
    const added = fields.filter((a) => a.type === def.name.value);
    if (added.length === 0) return def;
    const out: FieldDefinitionNode[] = [];
    for (const f of def.fields ?? []) {
      out.push(f);
      const a = added.find((x) => x.from === f.name.value);
      if (!a) continue;
      const category = argOf(phiOf(f), 'category') ?? '';
      out.push({
        kind: Kind.FIELD_DEFINITION,
        name: { kind: Kind.NAME, value: a.field },
        description: str(RENAMED_TYPES[a.deid]!.describe(a.from)),
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: RENAMED_TYPES[a.deid]!.type } },
        directives: [
          { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'inaccessible' } },
          {
            kind: Kind.DIRECTIVE,
            name: { kind: Kind.NAME, value: 'phi' },
            arguments: [
              { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'category' }, value: str(category) },
              { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'deid' }, value: str(a.deid) },
              { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'from' }, value: str(a.from) },
            ],
          },
        ],
      });
    }
    return { ...def, fields: out };
  });
  return { ...doc, definitions };
}
