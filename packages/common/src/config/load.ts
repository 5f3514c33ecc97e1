import { z } from 'zod';

/** Raised with every configuration problem at once, in words an operator understands. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * One slice of a service's configuration: the environment keys it reads (a zod object), how
 * they become settings, and what production additionally requires. A service's configuration is
 * the base slice plus its own; each key is written once, in its slice.
 */
export interface ConfigPart<T> {
  schema: z.ZodObject<z.ZodRawShape>;
  read(env: Record<string, unknown>): T;
  /** Problems that only production has (development keys refused, ...). */
  production?(settings: T): string[];
}

export function configPart<S extends z.ZodRawShape, T>(
  schema: z.ZodObject<S>,
  read: (env: z.output<z.ZodObject<S>>) => T,
  production?: (settings: T) => string[],
): ConfigPart<T> {
  return {
    schema: schema as unknown as z.ZodObject<z.ZodRawShape>,
    read: read as (env: Record<string, unknown>) => T,
    ...(production ? { production } : {}),
  };
}

/** An unset key: `KEY=` in a .env file means "not set", not "the empty string". */
export const emptyIsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const portSchema = z.coerce.number().int().min(0).max(65535);
export const httpUrl = z.url({ protocol: /^https?$/ });

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message));
}

type Settings<P> = P extends ConfigPart<infer T> ? T : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * Reads every part from the environment, collecting every problem of every part (and, in
 * production, what production requires) before failing, so an operator fixes them in one pass.
 */
export function loadParts<P extends ConfigPart<unknown>[]>(
  env: NodeJS.ProcessEnv,
  ...parts: P
): Intersect<Settings<P[number]>> {
  const problems: string[] = [];
  const values: unknown[] = [];
  for (const part of parts) {
    const parsed = part.schema.safeParse(env);
    if (!parsed.success) {
      problems.push(...problemsOf(parsed.error));
      continue;
    }
    const value = part.read(parsed.data);
    values.push(value);
    // Every part that parsed says what production lacks, whatever else is wrong.
    if (env.NODE_ENV === 'production') problems.push(...(part.production?.(value) ?? []));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.assign({}, ...(values as object[])) as Intersect<Settings<P[number]>>;
}
