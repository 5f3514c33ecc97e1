import type { DeidOverrides } from '@ehr/common';
import type { MedicationContext } from './context.js';

type Concept = { system?: string | null; code?: string | null; display?: string | null };

/**
 * For analysts, a medication whose code medicationCounts withholds (fewer than 11, or
 * complementary) shows no code, system or name in rows either: otherwise counting the rows
 * would give back the very counts the aggregate withholds.
 */
const shown =
  (field: keyof Concept) =>
  async (parent: unknown, ctx: unknown): Promise<string | null> => {
    const concept = parent as Concept;
    if (!concept.code) return null;
    return (await (ctx as MedicationContext).publishedCodes()).has(concept.code) ? (concept[field] ?? null) : null;
  };

export const rareCodesWithheld: DeidOverrides = {
  'CodeableConcept.code': shown('code'),
  'CodeableConcept.system': shown('system'),
  'CodeableConcept.display': shown('display'),
};
