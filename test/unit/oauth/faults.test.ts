/**
 * Faults of the network, beyond those the token and live-verify tests cover (down, hanging, 5xx,
 * 429, untrusted TLS, rotated keys): a server that trickles its answer a byte at a time, a host
 * that does not resolve, and key sets that cannot be had. Every one ends within its deadline with
 * its own reason, and a key set that cannot be fetched is an outage (AGBAC124), never a verdict on
 * the token.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type CryptoKey, generateKeyPair, SignJWT } from 'jose';
import { type VerifyOptions, verifyAccessToken } from '../../../src/core';
import { httpRequest, NetworkError, remoteKeySet, requestToken } from '../../../src/oauth';
import { fakeServer, type FakeServer, json, text } from './fake-server';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID } from '../fixtures';

/** A server that answers 200 and then sends one byte every 100 ms, for ever. */
async function trickler(): Promise<{ url: string; close: () => Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{');
    const timer = setInterval(() => response.write(' '), 100);
    timers.add(timer);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('network faults', () => {
  let slow: Awaited<ReturnType<typeof trickler>>;
  let server: FakeServer;
  let key: CryptoKey;
  before(async () => {
    slow = await trickler();
    server = await fakeServer();
    key = (await generateKeyPair('RS256')).privateKey;
  });
  after(async () => {
    await slow.close();
    await server.close();
  });

  const signed = () => new SignJWT(goodToken()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  const verifyWith = async (jwksUrl: string): Promise<Awaited<ReturnType<typeof verifyAccessToken>>> => {
    const options: VerifyOptions = {
      keys: remoteKeySet(jwksUrl, { timeoutMs: 500 }),
      now: NOW,
      correlationId: 'faults',
      issuer: ISSUER,
      audience: API_AUDIENCE,
      approvedAgents: [CLIENT_ID],
      humanApproval: { kind: 'allow-list', ids: [USER_ID] },
    };
    return verifyAccessToken(await signed(), options);
  };
  const isOutage = (result: Awaited<ReturnType<typeof verifyAccessToken>>, pattern: RegExp) => {
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.audit.reasons, ['AGBAC124 keys-unavailable']);
    assert.equal(result.checks.signature, 'unavailable');
    assert.match(result.findings[0]?.message ?? '', pattern);
  };

  it('ends a trickling answer at the deadline', async () => {
    const started = Date.now();
    await assert.rejects(httpRequest({ url: `${slow.url}/slow`, timeoutMs: 400 }), (error: unknown) => error instanceof NetworkError && error.failure === 'timeout');
    await assert.rejects(
      requestToken({ tokenEndpoint: `${slow.url}/token`, clientId: CLIENT_ID, credential: { kind: 'secret', secret: 'x'.repeat(32) }, scopes: ['s'], timeoutMs: 400 }),
      (error: unknown) => error instanceof NetworkError && error.failure === 'timeout' && /within 0.4 s/.test(error.message),
    );
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  });

  it('names a host that does not resolve', async () => {
    await assert.rejects(httpRequest({ url: 'https://agbac-no-such-host.invalid/oauth2/v1/keys', timeoutMs: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.equal(error.failure, 'dns');
      assert.match(error.message, /cannot resolve the host of https:\/\/agbac-no-such-host\.invalid: check the URL/);
      return true;
    });
  });

  it('denies for an outage, not for the token, when the key set trickles, is down, fails or is no key set', async () => {
    isOutage(await verifyWith(`${slow.url}/keys`), /keys could not be fetched \(.*within 0.5 s/);
    const down = await fakeServer();
    const downUrl = down.url;
    await down.close();
    isOutage(await verifyWith(`${downUrl}/keys`), /refused the connection/);
    server.script(json(503, { errorCode: 'E0000009' }));
    isOutage(await verifyWith(`${server.url}/keys-503`), /HTTP 503/);
    server.script(text(200, '<html>maintenance</html>', 'text/html'));
    isOutage(await verifyWith(`${server.url}/keys-html`), /keys could not be fetched/);
    server.script(json(200, { keys: 'none' }));
    isOutage(await verifyWith(`${server.url}/keys-bad`), /keys could not be fetched/);
  });

  it('still judges the token when the key set is reachable: an unknown kid is the token\'s fault', async () => {
    server.script(json(200, { keys: [] }));
    const result = await verifyWith(`${server.url}/keys-empty`);
    assert.deepEqual(result.audit.reasons, ['AGBAC102 token-kid-unknown']);
  });
});
