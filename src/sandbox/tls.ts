/**
 * A local certificate authority and a server certificate for the sandbox's HTTPS mode, made
 * with @peculiar/x509 over WebCrypto (ECDSA P-256). The CA certificate (never its key) is
 * written to a folder so clients can trust it, e.g. `NODE_EXTRA_CA_CERTS=<dir>/agbac-sandbox-ca.pem`.
 * A new CA is made at each start; its private key exists only in memory.
 *
 * This module is loaded lazily (dynamic import) so HTTP-only use never loads the X.509 library.
 */
import 'reflect-metadata';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import * as x509 from '@peculiar/x509';

const CA_FILE_NAME = 'agbac-sandbox-ca.pem';

export interface TlsMaterial {
  /** The server's private key (PKCS#8 PEM), for node:https. */
  readonly key: string;
  /** The server certificate (PEM). */
  readonly cert: string;
  /** The CA certificate (PEM) that clients trust. */
  readonly caPem: string;
  /** Where the CA certificate was written. */
  readonly caFile: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Subject alternative names: loopback names and addresses, plus the bind host when it is specific. */
function alternativeNames(host: string): x509.JsonGeneralName[] {
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  const bare = host.replace(/^\[|\]$/g, '');
  const wildcard = bare === '0.0.0.0' || bare === '::';
  if (bare && !wildcard && !['localhost', '127.0.0.1', '::1'].includes(bare)) {
    names.push(isIP(bare) ? { type: 'ip', value: bare } : { type: 'dns', value: bare });
  }
  return names;
}

/**
 * Creates a folder and its missing parents. (Node's `mkdir({ recursive: true })` never returns
 * for some paths, e.g. under /proc, so the parents are made one by one.)
 */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} exists and is not a folder`);
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDir(parent);
    await mkdir(dir);
  }
}

/** Makes a CA and a server certificate for `host`, and writes the CA certificate into `dir`. */
export async function createTlsMaterial(dir: string, host: string): Promise<TlsMaterial> {
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + 30 * DAY_MS);
  const caKeys = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=AGBAC sandbox local CA, O=AGBAC Toolkit',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost, O=AGBAC Toolkit sandbox',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(alternativeNames(host)),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
    ],
  });

  const key = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey), 'PRIVATE KEY');
  const caPem = ca.toString('pem');
  await ensureDir(dir);
  const caFile = join(dir, CA_FILE_NAME);
  await writeFile(caFile, `${caPem}\n`, { mode: 0o644 });
  return { key, cert: cert.toString('pem'), caPem, caFile };
}
