import type { ValueTransformer } from 'typeorm';

/**
 * A string array stored as JSON text, decoded once when the row loads so resolvers never
 * parse per field. Malformed stored text decodes to [] rather than failing the request.
 */
export const jsonStringArray: ValueTransformer = {
  to: (value: string[] | null | undefined) => JSON.stringify(value ?? []),
  from: (value: string | null) => {
    if (!value) return [];
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      return [];
    }
  },
};
