import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Sandbox } from '../../../src/sandbox';
import { ASSERTION_TYPE, NOW, signedAssertion, start } from './helpers';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A request with node:https, trusting only `ca` when given. */
function request(url: string, options: { ca?: string; method?: string; form?: Record<string, string>; servername?: string } = {}): Promise<Answer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.servername ? { servername: options.servername } : {}),
        headers: body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {},
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('sandbox over HTTPS', () => {
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agbac-tls-test-'));
    sandbox = await start({ tls: { dir: join(dir, 'ca') } });
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves https URLs and writes the CA certificate', async () => {
    assert.match(sandbox.orgUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sandbox.caFile, join(dir, 'ca', 'agbac-sandbox-ca.pem'));
    const written = await readFile(sandbox.caFile ?? '', 'utf8');
    assert.equal(written.trim(), sandbox.caPem?.trim());
    assert.match(written, /^-----BEGIN CERTIFICATE-----/);
    assert.doesNotMatch(written, /PRIVATE KEY/);
  });

  it('lets a client that trusts the CA fetch the JWKS and a token', async () => {
    const ca = sandbox.caPem ?? '';
    const keys = await request(sandbox.jwksUri, { ca });
    assert.equal(keys.status, 200);
    const answer = await request(sandbox.tokenEndpoint, {
      ca,
      method: 'POST',
      form: { grant_type: 'client_credentials', scope: 'finance.read', client_assertion_type: ASSERTION_TYPE, client_assertion: await signedAssertion(sandbox) },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { payload } = await jwtVerify(answer.body.access_token as string, createLocalJWKSet(keys.body as unknown as JSONWebKeySet), {
      issuer: sandbox.issuer,
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.iss, `${sandbox.orgUrl}/oauth2/aus123abc456`);
  });

  it('is refused by a client that does not trust the CA', async () => {
    await assert.rejects(request(sandbox.jwksUri), (error: NodeJS.ErrnoException) => {
      assert.match(error.code ?? '', /CERT|SIGNATURE|ISSUER/);
      return true;
    });
  });

  it('has a certificate valid for the name localhost', async () => {
    // Connect to the address the sandbox listens on (localhost may resolve to ::1) and check the
    // certificate against the name localhost, as a client given a localhost URL does.
    const answer = await request(sandbox.jwksUri, { ca: sandbox.caPem ?? '', servername: 'localhost' });
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.body.keys));
    await assert.rejects(request(sandbox.jwksUri, { ca: sandbox.caPem ?? '', servername: 'example.com' }), /example\.com/, 'another name is refused');
  });
});
