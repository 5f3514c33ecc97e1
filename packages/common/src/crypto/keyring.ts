import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../server/logger.js';
import { KeyProviderError, type KeyProvider } from './key-provider.js';

/** The blind indexes kept for equality search, each under its own key. */
export const BLIND_INDEXES = ['mrn', 'ssn', 'phone', 'email'] as const;
export type BlindIndexName = (typeof BLIND_INDEXES)[number];

const entry = z.object({
  id: z.string().regex(/^(field:\d+|index:[a-z]+)$/),
  createdAt: z.string(),
  retired: z.boolean().optional(),
  /** The data key, wrapped by the master key (base64); its id is the wrapping's context. */
  wrapped: z.string().min(1),
});
const fileSchema = z.object({
  format: z.literal(1),
  masterKeyId: z.string(),
  primary: z.number().int().positive(),
  keys: z.array(entry),
});
export type KeyringFile = z.infer<typeof fileSchema>;

/**
 * The data keys, wrapped by the master key and kept in a file beside (never inside) the
 * databases: field keys by version (one primary, older ones open what they wrote until
 * retired) and one key per blind index. Unwrapped once at start, in the provider; every load and
 * unwrap is logged with key ids and versions, never material.
 */
export class Keyring {
  private constructor(
    readonly file: string,
    readonly primary: number,
    private readonly fieldKeys: ReadonlyMap<number, Buffer>,
    private readonly indexKeys: ReadonlyMap<BlindIndexName, Buffer>,
    readonly retired: ReadonlySet<number>,
    /** Whether this open made the keyring (there was none). */
    readonly created: boolean,
  ) {}

  fieldKey(version: number): Buffer | undefined {
    return this.fieldKeys.get(version);
  }

  get primaryKey(): Buffer {
    return this.fieldKeys.get(this.primary)!;
  }

  indexKey(name: BlindIndexName): Buffer {
    return this.indexKeys.get(name)!;
  }

  versions(): number[] {
    return [...this.fieldKeys.keys()].sort((a, b) => a - b);
  }

  /**
   * Opens the keyring file, creating it (field key 1 and every index key, made here and wrapped
   * by the provider) when there is none. Several services starting at once create it once: the
   * file is linked into place, never overwritten.
   */
  static async open(file: string, provider: KeyProvider, logger: Logger): Promise<Keyring> {
    const created = !fs.existsSync(file) && (await create(file, provider, logger));
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new KeyProviderError(`keyring ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new KeyProviderError(`keyring ${file} is malformed`);
    const data = parsed.data;
    const fieldKeys = new Map<number, Buffer>();
    const indexKeys = new Map<BlindIndexName, Buffer>();
    const retired = new Set<number>();
    for (const k of data.keys) {
      const key = await provider.unwrap(Buffer.from(k.wrapped, 'base64'), k.id);
      if (key.length !== 32) throw new KeyProviderError(`data key ${k.id} is not 256 bits`);
      const [purpose, name] = k.id.split(':') as [string, string];
      if (purpose === 'field') {
        if (k.retired) retired.add(Number(name));
        else fieldKeys.set(Number(name), key);
      } else if ((BLIND_INDEXES as readonly string[]).includes(name)) indexKeys.set(name as BlindIndexName, key);
      logger.info({ keyId: k.id, retired: k.retired ?? false, provider: provider.kind }, 'data key unwrapped');
    }
    if (!fieldKeys.has(data.primary)) {
      throw new KeyProviderError(`keyring ${file}: primary field key ${data.primary} is missing`);
    }
    for (const n of BLIND_INDEXES) {
      if (!indexKeys.has(n)) throw new KeyProviderError(`keyring ${file}: index key ${n} is missing`);
    }
    logger.info(
      { keyring: path.basename(file), primary: data.primary, masterKeyId: provider.masterKeyId },
      'keyring loaded',
    );
    return new Keyring(file, data.primary, fieldKeys, indexKeys, retired, created);
  }

  /** The file as stored (wrapped keys only). */
  static read(file: string): KeyringFile {
    return fileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  /** Replaces the file atomically (write, fsync, rename). */
  static write(file: string, data: KeyringFile): void {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  }

  /** A new data key, made here and wrapped by the provider under its id. */
  static async newEntry(provider: KeyProvider, id: string): Promise<KeyringFile['keys'][number]> {
    const wrapped = await provider.wrap(randomBytes(32), id);
    return { id, createdAt: new Date().toISOString(), wrapped: wrapped.toString('base64') };
  }
}

/** Makes the keyring; false when another service made it first (theirs is the keyring). */
async function create(file: string, provider: KeyProvider, logger: Logger): Promise<boolean> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const keys = [await Keyring.newEntry(provider, 'field:1')];
  for (const n of BLIND_INDEXES) keys.push(await Keyring.newEntry(provider, `index:${n}`));
  const tmp = `${file}.${process.pid}.new`;
  fs.writeFileSync(tmp, JSON.stringify({ format: 1, masterKeyId: provider.masterKeyId, primary: 1, keys }, null, 2), {
    mode: 0o600,
  });
  try {
    fs.linkSync(tmp, file); // fails if another service made it first: theirs is the keyring
    logger.info({ keyring: path.basename(file), masterKeyId: provider.masterKeyId }, 'keyring created');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
