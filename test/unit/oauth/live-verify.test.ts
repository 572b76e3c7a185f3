/** Discovery, key sets, tokens and end-to-end verification against the sandbox, over HTTP and HTTPS. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { discover, DiscoveryError, issuerKeys, NetworkError, remoteKeySet, requestToken, verifyLive } from '../../../src/oauth';
import { findUsers, oktaDirectory } from '../../../src/okta';
import { type Human, verifyAccessToken } from '../../../src/core';
import { fakeServer, json, text } from './fake-server';
import { DEFAULT_IDS, type TestOrg, testOrg } from '../okta/sandbox-helpers';

const now = () => Math.floor(Date.now() / 1000);

for (const scheme of ['http', 'https'] as const) {
  describe(`against the sandbox over ${scheme}`, () => {
    let org: TestOrg;
    before(async () => {
      org = await testOrg(scheme === 'https' ? { tls: { dir: mkdtempSync(join(tmpdir(), 'agbac-tls-')) } } : {});
    });
    after(() => org.close());
    const ca = () => org.sandbox.caPem;
    const token = (human: Human = { id: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' }) =>
      requestToken({
        tokenEndpoint: org.sandbox.tokenEndpoint,
        clientId: org.sandbox.clientId,
        credential: { kind: 'secret', secret: org.sandbox.clientSecret },
        scopes: ['finance.read'],
        human,
        ca: ca(),
      });

    it('discovers the server\'s metadata', async () => {
      const metadata = await discover(org.sandbox.issuer, { ca: ca() });
      assert.equal(metadata.tokenEndpoint, org.sandbox.tokenEndpoint);
      assert.equal(metadata.jwksUri, org.sandbox.jwksUri);
      assert.ok(metadata.tokenEndpointAuthMethods.includes('client_secret_jwt'));
    });

    it('gets a token and allows it, approving Alice by her group through the Management API', async () => {
      const result = await token();
      const verification = await verifyLive(result.accessToken, {
        issuer: org.sandbox.issuer,
        audience: DEFAULT_IDS.audience,
        requiredScopes: ['finance.read'],
        approvedAgents: [org.sandbox.clientId],
        human: { kind: 'group', group: 'FinanceUsers', directory: oktaDirectory(org.org) },
        expectedActor: result.assertion.act as Record<string, unknown>,
        now: now(),
        ca: ca(),
      });
      assert.equal(verification.decision, 'ALLOW', JSON.stringify(verification.findings));
      assert.equal(verification.human, DEFAULT_IDS.alice);
    });

    it('denies Bob, who is not in the group', async () => {
      const result = await token({ id: DEFAULT_IDS.bob, email: 'bob@corp.example.com', name: 'Bob Jones' });
      const verification = await verifyLive(result.accessToken, {
        issuer: org.sandbox.issuer,
        audience: DEFAULT_IDS.audience,
        approvedAgents: [org.sandbox.clientId],
        human: { kind: 'group', group: 'FinanceUsers', directory: oktaDirectory(org.org) },
        now: now(),
        ca: ca(),
      });
      assert.equal(verification.decision, 'DENY');
      assert.deepEqual(verification.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code), ['AGBAC115']);
    });

    it('uses the SDK for look-ups over this scheme', async () => {
      assert.equal((await findUsers(org.org, 'bob@corp.example.com'))[0]?.id, DEFAULT_IDS.bob);
    });

    it('refetches the key set on an unknown kid after a key rotation', async () => {
      const keys = remoteKeySet(org.sandbox.jwksUri, { ca: ca(), cooldownMs: 0 });
      const before = await token();
      assert.equal((await verifyAccessToken(before.accessToken, { keys, now: now(), correlationId: 'live-test' })).signatureValid, true);
      await org.api('POST', `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/credentials/lifecycle/keyRotate`, { use: 'sig' });
      const afterRotation = await token();
      assert.notEqual(afterRotation.accessToken.split('.')[0], before.accessToken.split('.')[0], 'a new kid');
      assert.equal((await verifyAccessToken(afterRotation.accessToken, { keys, now: now(), correlationId: 'live-test' })).signatureValid, true);
      assert.equal((await verifyAccessToken(before.accessToken, { keys, now: now(), correlationId: 'live-test' })).signatureValid, true, 'the previous key is still published');
    });

    if (scheme === 'https') {
      it('fails with a clear TLS error without the sandbox\'s CA', async () => {
        await assert.rejects(discover(org.sandbox.issuer), (error: unknown) => error instanceof NetworkError && error.failure === 'tls' && /trust its CA/.test(error.message));
      });
    }
  });
}

describe('discovery and key sets, faults', () => {
  it('falls back to openid-configuration, and refuses metadata for another issuer', async () => {
    const server = await fakeServer();
    try {
      const issuer = `${server.url}/realms/agents`;
      const metadata = { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/certs` };
      server.script(json(404, {}), json(200, metadata));
      assert.equal((await discover(issuer)).tokenEndpoint, `${issuer}/token`);
      assert.deepEqual(server.seen.map((request) => request.url), ['/realms/agents/.well-known/oauth-authorization-server', '/realms/agents/.well-known/openid-configuration']);
      server.script(json(200, { ...metadata, issuer: 'https://evil.example' }));
      await assert.rejects(discover(issuer), (error: unknown) => error instanceof DiscoveryError && /describes the issuer https:\/\/evil\.example/.test(error.message));
      server.script(json(200, { ...metadata, jwks_uri: 'http://keys.example.com/certs' }));
      await assert.rejects(discover(issuer), /jwks_uri must use https/);
      server.script(json(404, {}));
      await assert.rejects(discover(issuer), /no authorization server metadata/);
      server.script(text(200, '<html/>', 'text/html'));
      await assert.rejects(discover(issuer), /not JSON/);
    } finally {
      await server.close();
    }
  });

  it('caps the size of a key set and reports a server that fails', async () => {
    const server = await fakeServer();
    try {
      const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign((await generateKeyPair('RS256')).privateKey);
      server.script(text(200, JSON.stringify({ keys: [], padding: 'x'.repeat(300 * 1024) }), 'application/json'));
      const big = await verifyAccessToken(token, { keys: remoteKeySet(`${server.url}/keys`), now: now(), correlationId: 'live-test' });
      assert.match(big.findings[0]?.message ?? '', /larger than the 262144 bytes accepted/);
      server.script(json(500, {}));
      const failing = await verifyAccessToken(token, { keys: remoteKeySet(`${server.url}/keys2`), now: now(), correlationId: 'live-test' });
      assert.equal(failing.decision, 'DENY');
      assert.match(failing.findings[0]?.message ?? '', /HTTP 500/);
    } finally {
      await server.close();
    }
  });

  it('caches one key set per JWKS URL', async () => {
    const org = await testOrg();
    try {
      assert.equal(await issuerKeys(org.sandbox.issuer), await issuerKeys(org.sandbox.issuer));
    } finally {
      await org.close();
    }
  });
});
