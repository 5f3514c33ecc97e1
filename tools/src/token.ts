import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { basePart, ConfigError, DEV_ISSUER, devKeyPair, isId, loadParts, readPrivateKey, runMain } from '@ehr/common';
import { isClinical, isRole, ROLES } from '@ehr/policy';
import { SignJWT } from 'jose';
import { readIdentities } from './seed/write.js';

const usage = `usage: npm run token -- --role ROLE [--sub SUBJECT] [--patient ID] [--practitioner ID] [--ttl 15m]
       npm run token -- --list --json`;

/** "15m", "900s", "1h" or plain seconds. */
function parseTtl(text: string): number {
  const m = /^(\d+)([smh]?)$/.exec(text);
  if (!m) throw new RangeError(`--ttl must look like 15m, 900s or 1h\n${usage}`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, '': 1 } as const)[m[2] as 's' | 'm' | 'h' | ''];
}

/**
 * `npm run token`: prints a development token signed with the DATA_DIR/keys development issuer,
 * and nothing else on stdout. Refused with NODE_ENV=production: real tokens come from the IdP.
 */
runMain(
  'token',
  async () => {
    const { values } = parseArgs({
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        patient: { type: 'string' },
        practitioner: { type: 'string' },
        ttl: { type: 'string', default: '15m' },
        list: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        audience: { type: 'string', default: process.env.AUTH_AUDIENCE || 'ehr-gateway' },
      },
      strict: true,
    });
    if (process.env.NODE_ENV === 'production') {
      throw new ConfigError(['development tokens are refused with NODE_ENV=production; use your identity provider']);
    }
    // Only the base settings (DATA_DIR, database): the development keys and the demo identities.
    const config = loadParts(process.env, basePart('gateway'));
    const identities = readIdentities(config.database);
    if (values.list) {
      const list = identities.map((i) => ({
        role: i.role,
        sub: i.sub,
        ...(i.patient_id ? { patient_id: i.patient_id } : {}),
        ...(i.practitioner_id ? { practitioner_id: i.practitioner_id } : {}),
      }));
      process.stdout.write(
        values.json ? `${JSON.stringify(list)}\n` : list.map((i) => `${i.role}\t${i.sub}`).join('\n') + '\n',
      );
      return { stop: async () => undefined };
    }
    const role = values.role;
    if (!isRole(role)) throw new RangeError(`--role must be one of ${ROLES.join(', ')}\n${usage}`);
    const demo = identities.find((i) => i.role === role && (values.sub === undefined || i.sub === values.sub));
    const sub = values.sub ?? demo?.sub;
    if (!sub) throw new RangeError(`no demo identity has role ${role} (run npm run seed first) and no --sub was given`);
    const patientId = values.patient ?? demo?.patient_id;
    const practitionerId = values.practitioner ?? demo?.practitioner_id;
    if (role === 'patient' && !isId(patientId))
      throw new RangeError('a patient token needs --patient ID (a record id)');
    if (isClinical([role]) && !isId(practitionerId)) {
      throw new RangeError('a clinician token needs --practitioner ID (a record id)');
    }
    const ttl = parseTtl(values.ttl ?? '15m');
    if (ttl < 1 || ttl > 3600) throw new RangeError('--ttl must be at most 60m (the gateway refuses longer tokens)');
    const { privateFile } = await devKeyPair(config.database.dataDir, 'dev-issuer');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      roles: [role],
      sid: randomUUID(),
      ...(role === 'patient' ? { patient_id: patientId } : {}),
      ...(isClinical([role]) ? { practitioner_id: practitionerId } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(values.audience ?? 'ehr-gateway')
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(await readPrivateKey(privateFile));
    process.stdout.write(`${token}\n`);
    return { stop: async () => undefined };
  },
  { exitWhenDone: true },
);
