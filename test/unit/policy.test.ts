import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { SUBGRAPHS } from '@ehr/common';
import { DEFAULT_POLICY_FILE, NOTE_TYPES, PolicyError, ROLES, RolePolicy, type Role } from '@ehr/policy';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';

const ROOT = path.resolve(__dirname, '..', '..');
interface RoleLists {
  ehr_read: string[];
  ehr_read_masked: string[];
  ehr_write: string[];
}
const shipped = (): Record<string, unknown> & {
  groups: Record<string, unknown>;
  roles: Record<string, RoleLists>;
} => JSON.parse(fs.readFileSync(DEFAULT_POLICY_FILE, 'utf8'));

/** Each subgraph's executable schema, as the subgraph builds it (with _entities, _service, ...). */
const schemas: Record<string, GraphQLSchema> = Object.fromEntries(
  SUBGRAPHS.map((name) => {
    const sdl = fs.readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
    return [name, buildSubgraphSchema([{ typeDefs: parse(sdl) }])];
  }),
);

/** Every `Type.field` of the given object types, across every subgraph that declares them. */
function fieldsOf(...typeNames: string[]): [string, string][] {
  const out = new Map<string, [string, string]>();
  for (const schema of Object.values(schemas)) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      if (typeNames.length > 0 && !typeNames.includes(type.name)) continue;
      for (const field of Object.keys(type.getFields())) out.set(`${type.name}.${field}`, [type.name, field]);
    }
  }
  return [...out.values()];
}

/** The problems a policy object is rejected with (fails the test when it is accepted). */
function problemsOf(policy: unknown): string[] {
  let caught: unknown;
  try {
    RolePolicy.fromObject(policy);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  return (caught as PolicyError).problems;
}

/** A policy that states every role with empty lists, plus what the test adds. */
function minimal(groups: Record<string, unknown>, roles: Partial<Record<Role, Partial<Record<string, string[]>>>>) {
  return {
    version: 1,
    groups,
    roles: Object.fromEntries(ROLES.map((r) => [r, { ehr_read: [], ehr_read_masked: [], ehr_write: [], ...roles[r] }])),
  };
}

describe('the shipped role policy', () => {
  let policy: RolePolicy;

  beforeAll(() => {
    policy = RolePolicy.load(DEFAULT_POLICY_FILE);
  });

  it('loads without problems, from the default file and from its parsed object', () => {
    expect(policy).toBeInstanceOf(RolePolicy);
    expect(() => RolePolicy.fromObject(shipped())).not.toThrow();
    // Sanity: the loaded policy grants something, so the denials below are decisions, not an empty policy.
    expect(policy.decide('physician', 'Patient', 'name')).toBe('clear');
  });

  it('reads the subgraph schemas the checks below walk', () => {
    expect(fieldsOf('Patient').map(([t, f]) => `${t}.${f}`)).toEqual(
      expect.arrayContaining(['Patient.ssn', 'Patient.coverage', 'Patient.medications', 'Patient.notes']),
    );
    expect(fieldsOf('ClinicalNote').length).toBeGreaterThanOrEqual(6);
  });

  describe('notes by type (minimum necessary)', () => {
    it('a nurse cannot read psychotherapy notes but reads progress, nursing and discharge notes', () => {
      expect(policy.noteTypeDecision(['nurse'], 'psychotherapy')).toBe('denied');
      expect(policy.noteTypeDecision(['nurse'], 'progress')).toBe('clear');
      expect(policy.noteTypeDecision(['nurse'], 'nursing')).toBe('clear');
      expect(policy.noteTypeDecision(['nurse'], 'discharge')).toBe('clear');
    });

    it('a patient cannot read psychotherapy notes (excluded from the right of access) but reads the others', () => {
      expect(policy.noteTypeDecision(['patient'], 'psychotherapy')).toBe('denied');
      expect(policy.noteTypeDecision(['patient'], 'progress')).toBe('clear');
    });

    it('a physician reads every note type', () => {
      for (const t of NOTE_TYPES) expect([t, policy.noteTypeDecision(['physician'], t)]).toEqual([t, 'clear']);
    });

    it('an analyst reads no psychotherapy note (de-identified research covers the other types)', () => {
      expect(policy.noteTypeDecision(['analyst'], 'psychotherapy')).toBe('denied');
      expect(policy.noteTypeDecision(['analyst'], 'progress')).toBe('clear');
    });

    it.each(['billing', 'auditor', 'admin'] as const)('%s reads no note type at all', (role) => {
      for (const t of NOTE_TYPES) expect([t, policy.noteTypeDecision([role], t)]).toEqual([t, 'denied']);
    });

    it('an unknown note type is denied to everyone', () => {
      expect(policy.noteTypeDecision([...ROLES], 'gossip')).toBe('denied');
      expect(policy.canWriteNoteType([...ROLES], 'gossip')).toBe(false);
    });
  });

  describe('billing', () => {
    it.each([
      ['ClinicalNote', 'text', 'denied'],
      ['Patient', 'notes', 'denied'],
      ['MedicationRequest', 'dosageText', 'denied'],
      ['MedicationRequest', 'medication', 'clear'],
      ['Coverage', 'memberId', 'clear'],
      ['Patient', 'ssn', 'masked'],
    ])('%s.%s is %s', (type, field, decision) => {
      expect(policy.decide('billing', type, field)).toBe(decision);
    });
  });

  it('a physician sees Patient.ssn only masked, a nurse too; a patient sees their own in the clear', () => {
    expect(policy.decide('physician', 'Patient', 'ssn')).toBe('masked');
    expect(policy.decide('nurse', 'Patient', 'ssn')).toBe('masked');
    expect(policy.decide('patient', 'Patient', 'ssn')).toBe('clear');
  });

  describe.each(['admin', 'auditor'] as const)('%s (no PHI)', (role) => {
    const phi = fieldsOf('Patient', 'MedicationRequest', 'ClinicalNote', 'Coverage');

    it('is denied every field of Patient, MedicationRequest, ClinicalNote and Coverage', () => {
      expect(phi.length).toBeGreaterThan(20);
      const granted = phi.filter(([t, f]) => policy.decide(role, t, f) !== 'denied').map(([t, f]) => `${t}.${f}`);
      expect(granted).toEqual([]);
    });

    it('reads no note type and writes none', () => {
      for (const t of NOTE_TYPES) {
        expect(policy.noteTypeDecision([role], t)).toBe('denied');
        expect(policy.canWriteNoteType([role], t)).toBe(false);
      }
    });

    it('still has a session (Query.me) and can log out', () => {
      expect(policy.decide(role, 'Query', 'me')).toBe('clear');
      expect(policy.decide(role, 'Mutation', 'logout')).toBe('clear');
    });
  });

  it('the auditor reads the audit log; a patient only their own access history; nobody else either', () => {
    for (const role of ROLES) {
      expect([role, policy.decide(role, 'Query', 'auditEvents')]).toEqual([
        role,
        role === 'auditor' ? 'clear' : 'denied',
      ]);
      expect([role, policy.decide(role, 'Query', 'accessHistory')]).toEqual([
        role,
        role === 'patient' ? 'clear' : 'denied',
      ]);
      expect([role, policy.decide(role, 'AuditEvent', 'actorId')]).toEqual([
        role,
        role === 'auditor' || role === 'patient' ? 'clear' : 'denied',
      ]);
      // Only auditors see which request and audit id an event came from.
      expect([role, policy.decide(role, 'AuditEvent', 'auditId')]).toEqual([
        role,
        role === 'auditor' ? 'clear' : 'denied',
      ]);
    }
  });

  it('analyst is granted no direct identifier, no free text, no session or audit field', () => {
    const all = fieldsOf();
    const forbiddenToAnalysts = [
      'Query.me',
      'Query._service',
      'Mutation.logout',
      'Mutation.breakGlass',
      'Query.auditEvents',
      'Patient.name',
      'Patient.ssn',
      'Patient.mrn',
      'Patient.phone',
      'Patient.email',
      'Address.line',
      'Address.city',
      'Coverage.memberId',
      'Coverage.groupNumber',
      'Practitioner.name',
      'MedicationRequest.dosageText',
      'ClinicalNote.text',
    ];
    expect(all.map(([t, f]) => `${t}.${f}`)).toEqual(expect.arrayContaining(forbiddenToAnalysts));
    for (const key of forbiddenToAnalysts) {
      const [t, f] = key.split('.') as [string, string];
      expect([key, policy.decide('analyst', t, f)]).toEqual([key, 'denied']);
    }
  });

  it('nobody is granted the subgraph SDL (Query._service, _Service.sdl)', () => {
    for (const role of ROLES) {
      expect([role, policy.decide(role, 'Query', '_service')]).toEqual([role, 'denied']);
      expect([role, policy.decide(role, '_Service', 'sdl')]).toEqual([role, 'denied']);
    }
  });

  describe('mutations', () => {
    /** The roles not denied a mutation, with their decision. */
    const only = (field: string) =>
      ROLES.map((role) => [role, policy.decide(role, 'Mutation', field)]).filter(([, d]) => d !== 'denied');

    it('Mutation.breakGlass is clear for physician and nurse only', () => {
      expect(only('breakGlass')).toEqual([
        ['physician', 'clear'],
        ['nurse', 'clear'],
      ]);
    });

    it('Mutation.reviewBreakGlass is clear for the auditor only', () => {
      expect(only('reviewBreakGlass')).toEqual([['auditor', 'clear']]);
    });

    it('Mutation.createClinicalNote is clear for physician and nurse only (reading notes is not writing them)', () => {
      expect(only('createClinicalNote')).toEqual([
        ['physician', 'clear'],
        ['nurse', 'clear'],
      ]);
      // patient reads progress notes through a group that also names the mutation: still denied.
      expect(policy.decide('patient', 'Mutation', 'createClinicalNote')).toBe('denied');
    });

    it('every role except analyst may log out', () => {
      expect(only('logout')).toEqual(ROLES.filter((r) => r !== 'analyst').map((r) => [r, 'clear']));
    });

    it('a mutation the policy does not name is denied to every role', () => {
      for (const role of ROLES) expect(policy.decide(role, 'Mutation', 'dropAllPatients')).toBe('denied');
    });
  });

  describe('which note types a role may write', () => {
    const writable = (role: Role) => NOTE_TYPES.filter((t) => policy.canWriteNoteType([role], t));

    it('a physician writes progress, discharge and psychotherapy notes (not nursing notes)', () => {
      expect(writable('physician').sort()).toEqual(['discharge', 'progress', 'psychotherapy']);
    });

    it('a nurse writes nursing notes only', () => {
      expect(writable('nurse')).toEqual(['nursing']);
    });

    it.each(['billing', 'patient', 'analyst', 'auditor', 'admin'] as const)('%s writes no note', (role) => {
      expect(writable(role)).toEqual([]);
    });

    it('roles combine: physician + nurse writes all four', () => {
      expect(NOTE_TYPES.filter((t) => policy.canWriteNoteType(['physician', 'nurse'], t)).sort()).toEqual(
        [...NOTE_TYPES].sort(),
      );
    });
  });

  it('decideAny takes the most permissive decision among a token’s roles', () => {
    expect(policy.decideAny(['billing', 'admin'], 'Patient', 'ssn')).toBe('masked');
    expect(policy.decideAny(['billing', 'patient'], 'Patient', 'ssn')).toBe('clear');
    expect(policy.decideAny(['admin'], 'Patient', 'ssn')).toBe('denied');
    expect(policy.decideAny([], 'Query', 'me')).toBe('denied');
  });
});

describe('invalid policies are rejected with every problem at once', () => {
  it('reports an unknown group, an unknown role, a missing role, a direct mutation read, a cycle and an unknown note type together', () => {
    const p = shipped();
    p.roles.admin!.ehr_read.push('no_such_group');
    p.roles.superuser = { ehr_read: ['session'], ehr_read_masked: [], ehr_write: [] };
    delete p.roles.analyst;
    p.roles.nurse!.ehr_read.push('Mutation.reviewBreakGlass');
    p.groups.loop = ['session', 'loop'];
    (p.groups.progress_notes as { noteTypes: string[] }).noteTypes.push('gossip');
    const problems = problemsOf(p);
    expect(problems).toHaveLength(6);
    const expected = [
      /no_such_group/,
      /unknown role "superuser"/,
      /role "analyst" is missing/,
      /nurse: Mutation\.reviewBreakGlass can only be granted through ehr_write/,
      /group "loop" includes itself/,
      /unknown note type "gossip"/,
    ];
    expect(problems).toEqual(expect.arrayContaining(expected.map((re) => expect.stringMatching(re))));
  });

  it('an unknown group name', () => {
    const p = shipped();
    p.roles.billing!.ehr_read.push('clinical_everything');
    expect(problemsOf(p)).toEqual([
      'billing.ehr_read: "clinical_everything" is neither Type.field, Type.* nor a group',
    ]);
  });

  it('an unknown group name inside a group', () => {
    const p = shipped();
    (p.groups.demographics as string[]).push('contact_details');
    expect(problemsOf(p)).toEqual([
      'group "demographics": "contact_details" is neither Type.field, Type.* nor a group',
    ]);
  });

  it('an unknown role key', () => {
    const p = shipped();
    p.roles.root = { ehr_read: [], ehr_read_masked: [], ehr_write: [] };
    expect(problemsOf(p)).toEqual(['unknown role "root"']);
  });

  it('a missing role (every role must be stated)', () => {
    const p = shipped();
    delete p.roles.auditor;
    expect(problemsOf(p)).toEqual(['role "auditor" is missing (every role must be stated, even with empty lists)']);
  });

  it.each(['ehr_read', 'ehr_read_masked'])('Mutation.x listed directly in %s', (list) => {
    const p = shipped();
    p.roles.billing![list as keyof RoleLists].push('Mutation.breakGlass');
    expect(problemsOf(p)).toEqual(['billing: Mutation.breakGlass can only be granted through ehr_write']);
  });

  it('a group that includes itself, directly or through another group', () => {
    const direct = shipped();
    direct.groups.session = ['Query.me', 'Viewer.*', 'session'];
    expect(problemsOf(direct)).toEqual(['group "session" includes itself']);

    const indirect = shipped();
    indirect.groups.ring_a = ['Patient.id', 'ring_b'];
    indirect.groups.ring_b = ['ring_a'];
    expect(problemsOf(indirect)).toEqual([expect.stringMatching(/group "ring_[ab]" includes itself/)]);
  });

  it('an unknown note type', () => {
    const p = shipped();
    p.groups.gossip_notes = { fields: ['note_fields'], noteTypes: ['gossip'] };
    expect(problemsOf(p)).toEqual(['group "gossip_notes": unknown note type "gossip"']);
  });

  it('a file that is not a policy at all', () => {
    expect(problemsOf(null)).toEqual(['the policy needs "groups" and "roles" objects']);
    expect(problemsOf({ version: 1, groups: {} })).toEqual(['the policy needs "groups" and "roles" objects']);
  });

  it('a role list that is not a list', () => {
    const p = shipped();
    (p.roles.admin as unknown as Record<string, unknown>).ehr_write = 'logout';
    expect(problemsOf(p)).toEqual(expect.arrayContaining(['admin.ehr_write must be a list']));
  });

  it('an unreadable policy file', () => {
    expect(() => RolePolicy.load(path.join(ROOT, 'no-such-policy.json'))).toThrow(PolicyError);
  });

  /** How fromObject answers a policy: its problems, ACCEPTED, or the name of what else it threw. */
  const outcome = (policy: unknown): string[] | string => {
    try {
      RolePolicy.fromObject(policy);
      return 'ACCEPTED';
    } catch (err) {
      return err instanceof PolicyError ? err.problems : `${(err as Error).name}: ${(err as Error).message}`;
    }
  };

  // Product bug (packages/policy/src/policy.ts, fromObject/resolveEntry): malformed shapes are not
  // reported. `[...(spec.ehr_read ?? [])]` throws a bare TypeError for a number or an object; a group
  // of `null` throws on `spec.fields`; `noteTypes` that is not a list throws "not iterable"; a group
  // whose `fields` is missing or not a list is accepted as an empty group.
  it('malformed shapes are reported as problems, never a crash and never silently accepted', () => {
    type Policy = ReturnType<typeof shipped>;
    const cases: [string, (p: Policy) => void][] = [
      ['ehr_read is a number', (p) => ((p.roles.admin as unknown as Record<string, unknown>).ehr_read = 5)],
      [
        'ehr_read_masked is an object',
        (p) => ((p.roles.admin as unknown as Record<string, unknown>).ehr_read_masked = {}),
      ],
      ['a group is null', (p) => (p.groups.logout = null)],
      ['noteTypes is a number', (p) => (p.groups.progress_notes = { fields: ['note_fields'], noteTypes: 3 })],
      ['fields is a string', (p) => (p.groups.progress_notes = { fields: 'note_fields', noteTypes: ['progress'] })],
      ['fields is missing', (p) => (p.groups.progress_notes = { noteTypes: ['progress'] })],
    ];
    const wrong = cases
      .map(([name, mutate]) => {
        const p = shipped();
        mutate(p);
        return [name, outcome(p)] as const;
      })
      .filter(([, o]) => !Array.isArray(o) || o.length === 0);
    expect(wrong).toEqual([]);
  });

  // Product bug (packages/policy/src/policy.ts, resolveEntry): `file.groups[entry]` reads inherited
  // properties, so an entry naming `toString`, `constructor` or `__proto__` is accepted as an
  // (empty) group instead of being reported as unknown.
  it('a group name inherited from Object.prototype is an unknown group', () => {
    const answers = ['toString', 'constructor', '__proto__'].map((name) => {
      const p = shipped();
      p.roles.billing!.ehr_read.push(name);
      return [name, outcome(p)];
    });
    expect(answers).toEqual(
      ['toString', 'constructor', '__proto__'].map((name) => [
        name,
        [`billing.ehr_read: "${name}" is neither Type.field, Type.* nor a group`],
      ]),
    );
  });
});

describe('star notation', () => {
  it('is case-insensitive on the type: `patient.*` grants Patient.gender', () => {
    const policy = RolePolicy.fromObject(minimal({ lower: ['patient.*'] }, { billing: { ehr_read: ['lower'] } }));
    expect(policy.decide('billing', 'Patient', 'gender')).toBe('clear');
    expect(policy.decide('billing', 'Patient', 'ssn')).toBe('clear');
    expect(policy.covers('Patient', 'gender')).toBe(true);
    // Only that type, only that role.
    expect(policy.decide('billing', 'Coverage', 'memberId')).toBe('denied');
    expect(policy.covers('Coverage', 'memberId')).toBe(false);
    expect(policy.decide('nurse', 'Patient', 'gender')).toBe('denied');
  });

  it('`Type.field` grants that field only', () => {
    const policy = RolePolicy.fromObject(minimal({ one: ['Patient.gender'] }, { billing: { ehr_read: ['one'] } }));
    expect(policy.decide('billing', 'Patient', 'gender')).toBe('clear');
    expect(policy.decide('billing', 'Patient', 'birthDate')).toBe('denied');
  });
});
