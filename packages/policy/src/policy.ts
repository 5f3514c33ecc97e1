import fs from 'node:fs';
import path from 'node:path';
import { ROLES, isRole, type Decision, type NoteType, NOTE_TYPES, type Role } from './vocabulary.js';

/** The policy file shipped with the product; POLICY_FILE replaces it. */
export const DEFAULT_POLICY_FILE = path.resolve(__dirname, '..', 'role-policy.json');

type GroupSpec = string[] | { fields: string[]; noteTypes?: string[] };
interface RoleSpec {
  ehr_read: string[];
  ehr_read_masked: string[];
  ehr_write: string[];
}
interface PolicyFile {
  version: number;
  groups: Record<string, GroupSpec>;
  roles: Record<string, RoleSpec>;
}

/** A field pattern: `Type.field` or `Type.*` (type names compare case-insensitively, as in the seed's `patient.*`). */
interface Pattern {
  type: string;
  field: string | '*';
}

interface Grant {
  patterns: Pattern[];
  noteTypes: Set<NoteType>;
}

/** Raised with every problem in a policy file at once. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid role policy: ${problems.join('; ')}`);
    this.name = 'PolicyError';
  }
}

const RANK: Record<Decision, number> = { denied: 0, masked: 1, clear: 2 };

/**
 * The compiled policy: for a role and a `Type.field`, clear, masked or denied; which note types a
 * role may read and write; whether a field is known to the policy at all (the coverage test).
 */
export class RolePolicy {
  private constructor(
    private readonly read: Map<Role, Grant>,
    private readonly masked: Map<Role, Grant>,
    private readonly write: Map<Role, Grant>,
    private readonly known: Pattern[],
  ) {}

  static load(file = process.env.POLICY_FILE || DEFAULT_POLICY_FILE): RolePolicy {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new PolicyError([`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`]);
    }
    return RolePolicy.fromObject(parsed);
  }

  static fromObject(input: unknown): RolePolicy {
    const problems: string[] = [];
    const file = input as PolicyFile;
    if (!file || typeof file !== 'object' || typeof file.groups !== 'object' || typeof file.roles !== 'object') {
      throw new PolicyError(['the policy needs "groups" and "roles" objects']);
    }
    const resolving = new Set<string>();
    const cache = new Map<string, Grant>();

    const resolveEntry = (entry: string, where: string): Grant => {
      if (/^[A-Za-z_][A-Za-z0-9_]*\.(\*|[A-Za-z_][A-Za-z0-9_]*)$/.test(entry)) {
        const [type, field] = entry.split('.') as [string, string];
        return { patterns: [{ type: type.toLowerCase(), field }], noteTypes: new Set() };
      }
      // Own properties only: `toString` or `__proto__` is an unknown group, not an empty one.
      const spec = Object.hasOwn(file.groups, entry) ? file.groups[entry] : undefined;
      if (spec === undefined) {
        problems.push(`${where}: "${entry}" is neither Type.field, Type.* nor a group`);
        return { patterns: [], noteTypes: new Set() };
      }
      const hit = cache.get(entry);
      if (hit) return hit;
      if (resolving.has(entry)) {
        problems.push(`group "${entry}" includes itself`);
        return { patterns: [], noteTypes: new Set() };
      }
      const shapeOk =
        Array.isArray(spec) ||
        (spec !== null &&
          typeof spec === 'object' &&
          Array.isArray(spec.fields) &&
          (spec.noteTypes === undefined || Array.isArray(spec.noteTypes)));
      if (!shapeOk) {
        problems.push(`group "${entry}" must be a list, or { "fields": [...], "noteTypes": [...] }`);
        return { patterns: [], noteTypes: new Set() };
      }
      resolving.add(entry);
      const fields = Array.isArray(spec) ? spec : spec.fields;
      const noteTypes = new Set<NoteType>();
      for (const t of Array.isArray(spec) ? [] : (spec.noteTypes ?? [])) {
        if ((NOTE_TYPES as readonly string[]).includes(t)) noteTypes.add(t as NoteType);
        else problems.push(`group "${entry}": unknown note type "${t}"`);
      }
      const grant: Grant = { patterns: [], noteTypes };
      for (const f of Array.isArray(fields) ? fields : []) {
        const inner = resolveEntry(f, `group "${entry}"`);
        grant.patterns.push(...inner.patterns);
        inner.noteTypes.forEach((t) => grant.noteTypes.add(t));
      }
      resolving.delete(entry);
      cache.set(entry, grant);
      return grant;
    };

    const union = (entries: unknown, where: string): Grant => {
      const grant: Grant = { patterns: [], noteTypes: new Set() };
      if (!Array.isArray(entries)) {
        problems.push(`${where} must be a list`);
        return grant;
      }
      for (const e of entries) {
        const g = resolveEntry(String(e), where);
        grant.patterns.push(...g.patterns);
        g.noteTypes.forEach((t) => grant.noteTypes.add(t));
      }
      return grant;
    };

    const read = new Map<Role, Grant>();
    const masked = new Map<Role, Grant>();
    const write = new Map<Role, Grant>();
    for (const name of Object.keys(file.roles)) if (!isRole(name)) problems.push(`unknown role "${name}"`);
    for (const role of ROLES) {
      const spec = file.roles[role];
      if (!spec) {
        problems.push(`role "${role}" is missing (every role must be stated, even with empty lists)`);
        continue;
      }
      const r = union(spec.ehr_read, `${role}.ehr_read`);
      const m = union(spec.ehr_read_masked, `${role}.ehr_read_masked`);
      // A group may hold both what it lets you read and the mutation that writes it; through a
      // read grant its Mutation fields do nothing. Naming a mutation directly as a read is a mistake.
      const listed = (v: unknown) => (Array.isArray(v) ? v : []);
      for (const entry of [...listed(spec.ehr_read), ...listed(spec.ehr_read_masked)]) {
        if (/^mutation\./i.test(String(entry)))
          problems.push(`${role}: ${entry} can only be granted through ehr_write`);
      }
      read.set(role, r);
      masked.set(role, m);
      write.set(role, union(spec.ehr_write, `${role}.ehr_write`));
    }
    const known = Object.keys(file.groups).flatMap((g) => resolveEntry(g, 'groups').patterns);
    if (problems.length > 0) throw new PolicyError([...new Set(problems)]);
    return new RolePolicy(read, masked, write, known);
  }

  private static matches(patterns: Pattern[], type: string, field: string): boolean {
    const t = type.toLowerCase();
    return patterns.some((p) => p.type === t && (p.field === '*' || p.field === field));
  }

  /** Whether the policy classifies this field at all (if not, only the fallback would decide). */
  covers(type: string, field: string): boolean {
    return RolePolicy.matches(this.known, type, field);
  }

  /** One role's decision for one field. Mutation fields are granted by ehr_write only. */
  decide(role: Role, type: string, field: string): Decision {
    const write = this.write.get(role);
    // Patterns compare type names case-insensitively, so must this.
    if (type.toLowerCase() === 'mutation')
      return write && RolePolicy.matches(write.patterns, type, field) ? 'clear' : 'denied';
    const read = this.read.get(role);
    if (read && RolePolicy.matches(read.patterns, type, field)) return 'clear';
    // What a role writes it may read back (the grant returned by breakGlass, the note it created).
    if (write && RolePolicy.matches(write.patterns, type, field)) return 'clear';
    const masked = this.masked.get(role);
    if (masked && RolePolicy.matches(masked.patterns, type, field)) return 'masked';
    return 'denied';
  }

  /** The most permissive decision among several roles (a token may carry more than one). */
  decideAny(roles: readonly Role[], type: string, field: string): Decision {
    let best: Decision = 'denied';
    for (const role of roles) {
      const d = this.decide(role, type, field);
      if (RANK[d] > RANK[best]) best = d;
    }
    return best;
  }

  /** Note types whose rows a role may read (clear or masked) and with which decision. */
  noteTypeDecision(roles: readonly Role[], noteType: string): Decision {
    let best: Decision = 'denied';
    for (const role of roles) {
      const d: Decision = this.read.get(role)?.noteTypes.has(noteType as NoteType)
        ? 'clear'
        : this.masked.get(role)?.noteTypes.has(noteType as NoteType)
          ? 'masked'
          : 'denied';
      if (RANK[d] > RANK[best]) best = d;
    }
    return best;
  }

  /** Note types a role may create. */
  canWriteNoteType(roles: readonly Role[], noteType: string): boolean {
    return roles.some((r) => this.write.get(r)?.noteTypes.has(noteType as NoteType) ?? false);
  }
}
