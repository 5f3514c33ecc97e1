import {
  Kind,
  parse,
  print,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type StringValueNode,
  type TypeNode,
} from 'graphql';
import { DEID_KEPT } from '@ehr/common';

const namedType = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type));

const phiArg = (field: FieldDefinitionNode, name: string) =>
  (
    field.directives?.find((d) => d.name.value === 'phi')?.arguments?.find((a) => a.name.value === name)?.value as
      StringValueNode | undefined
  )?.value;

/**
 * Whether the analyst schema has a field: kept by its deid (changed or not), unless it was
 * renamed (`as`), in which case the field derived from it (`from`) stands in its place.
 */
function analystKeeps(field: FieldDefinitionNode): boolean {
  if (!field.directives?.some((d) => d.name.value === 'phi')) return false;
  if (phiArg(field, 'from') !== undefined) return true;
  if (phiArg(field, 'as') !== undefined) return false;
  const deid = phiArg(field, 'deid') ?? (phiArg(field, 'category') === 'DIRECT_IDENTIFIER' ? 'REMOVE' : 'KEEP');
  return (DEID_KEPT as readonly string[]).includes(deid);
}

/** A derived analyst field without the @inaccessible that hides it from the clinical API. */
const shownToAnalysts = (field: FieldDefinitionNode): FieldDefinitionNode =>
  phiArg(field, 'from') === undefined
    ? field
    : { ...field, directives: field.directives?.filter((d) => d.name.value !== 'inaccessible') };

/** Definitions the federation machinery needs whatever the API keeps (join__, link__, directives). */
const isMachinery = (d: DefinitionNode) =>
  d.kind === Kind.DIRECTIVE_DEFINITION ||
  d.kind === Kind.SCHEMA_DEFINITION ||
  ('name' in d && d.name !== undefined && /^(join__|link__)/.test(d.name.value));

/**
 * The analyst supergraph, derived from the clinical one and its @phi classifications: every field
 * marked `deid: "REMOVE"` (direct identifiers, free text, everything not for research) is taken
 * out, then every type left empty or unreachable, so identifier fields are absent from the
 * analyst schema and its introspection, not merely null. A field renamed for analysts
 * (`@phi(as: ...)`) gives way to the field derived from it, which only this schema shows. What remains is de-identified by the
 * subgraphs themselves (pseudonyms, years, ZIP3), because the internal token says so.
 */
export function analystSupergraph(supergraphSdl: string): string {
  const doc = parse(supergraphSdl);
  let defs = doc.definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION || isMachinery(d)) return d;
    // A field with no classification is not in the analyst schema either (deny by default).
    return { ...d, fields: d.fields?.filter(analystKeeps).map(shownToAnalysts) };
  });
  // Drop empty object types and the fields that pointed at them, until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    const empty = new Set(
      defs
        .filter(
          (d): d is ObjectTypeDefinitionNode =>
            d.kind === Kind.OBJECT_TYPE_DEFINITION && !isMachinery(d) && (d.fields?.length ?? 0) === 0,
        )
        .map((d) => d.name.value),
    );
    if (empty.size === 0) break;
    defs = defs
      .filter((d) => !(d.kind === Kind.OBJECT_TYPE_DEFINITION && empty.has(d.name.value)))
      .map((d) => {
        if (d.kind !== Kind.OBJECT_TYPE_DEFINITION) return d;
        const fields = d.fields?.filter((f) => !empty.has(namedType(f.type)));
        if (fields?.length !== d.fields?.length) changed = true;
        return { ...d, fields };
      });
    changed ||= empty.size > 0;
  }
  // Keep only what the Query root reaches (plus the federation machinery).
  const byName = new Map(defs.flatMap((d) => ('name' in d && d.name ? [[d.name.value, d] as const] : [])));
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    const d = byName.get(name);
    if (d?.kind === Kind.OBJECT_TYPE_DEFINITION) {
      for (const f of d.fields ?? []) {
        visit(namedType(f.type));
        for (const a of f.arguments ?? []) visit(namedType(a.type));
      }
    }
  };
  visit('Query');
  defs = defs.filter(
    (d) =>
      isMachinery(d) || !('name' in d && d.name) || reached.has(d.name.value) || d.kind === Kind.SCALAR_TYPE_DEFINITION,
  );
  // The schema definition may not name root types that are gone (Mutation).
  defs = defs.map((d) =>
    d.kind === Kind.SCHEMA_DEFINITION
      ? { ...d, operationTypes: d.operationTypes.filter((o) => reached.has(o.type.name.value)) }
      : d,
  );
  return print({ ...doc, definitions: defs } as DocumentNode);
}
