// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { writeDurably } from '@ehr/common';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** ECDSA P-256 with SHA-256: small, fast to make, and what every TLS 1.3 stack speaks. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  name: string;
  cert: string;
  /** The CA's signing key, in memory only: `localTls` never writes it to disk. */
  keys: CryptoKeyPair;
}

export interface IssuedCert {
  cert: string;
  /** PKCS#8 PEM. */
  key: string;
}

/** A positive, random 128-bit serial number (hex), as RFC 5280 asks. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A self-signed certificate authority that may sign end-entity certificates only (path length 0). */
export async function createCa(name: string, days = 397): Promise<CertificateAuthority> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { name, cert: cert.toString('pem'), keys };
}

export interface IssueOptions {
  commonName: string;
  /** DNS names and IP addresses the certificate is valid for (subjectAltName). */
  hosts: string[];
  days?: number;
  /** Valid from this moment (tests make an expired certificate with a past date). */
  notBefore?: Date;
}

/**
 * A certificate signed by `ca` for `hosts`, usable both to serve (serverAuth) and, under mutual
 * TLS, to call the other services (clientAuth): one certificate per service covers both ends.
 */
export async function issueCert(ca: CertificateAuthority, options: IssueOptions): Promise<IssuedCert> {
  const keys = await keyPair();
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const caCert = new x509.X509Certificate(ca.cert);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.commonName}`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.days ?? 397) * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(
        options.hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privatePem(keys) };
}

export interface LocalTls {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** True when this call made them (false: the ones from an earlier start were still good). */
  created: boolean;
}

/** The hosts the local certificate is for: the launcher serves on this machine only. */
export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** Whether `certFile` exists and stays valid for at least another day. */
function stillValid(certFile: string): boolean {
  try {
    const cert = new NodeX509(fs.readFileSync(certFile));
    return new Date(cert.validTo).getTime() > Date.now() + DAY_MS;
  } catch {
    return false;
  }
}

/**
 * The local CA and the services' certificate for `npm start -- --tls`, under `<dataDir>/tls`:
 * made once and reused while valid (a new pair, and a new CA to trust, a day before they expire).
 * The CA's private key is never written: it signs the one certificate and is forgotten, so a CA
 * that a developer added to a trust store cannot be used to sign anything else. The service key is
 * mode 0600 in a 0700 directory.
 */
export async function localTls(dataDir: string): Promise<LocalTls> {
  const dir = path.join(dataDir, 'tls');
  const files = {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'localhost.crt'),
    keyFile: path.join(dir, 'localhost.key'),
  };
  if (fs.existsSync(files.caFile) && fs.existsSync(files.keyFile) && stillValid(files.certFile))
    return { ...files, created: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const ca = await createCa('EHR local development CA');
  const issued = await issueCert(ca, { commonName: 'localhost', hosts: LOCAL_HOSTS });
  // The key first, the CA last: a start interrupted half-way makes them again next time.
  await writeDurably(files.keyFile, issued.key, 0o600);
  await writeDurably(files.certFile, issued.cert, 0o644);
  await writeDurably(files.caFile, ca.cert, 0o644);
  return { ...files, created: true };
}
