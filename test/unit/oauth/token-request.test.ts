/** The token client against scripted servers: retries, limits, DPoP, and a clear error every time. */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { decodeProtectedHeader, decodeJwt as joseDecode, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import { parseJwt } from '../../../src/core';
import { NetworkError, rateLimitDelay, requestToken, ResponseError, TokenError, type TokenRequestOptions } from '../../../src/oauth';
import { tokenErrorHint } from '../../../src/okta';
import { type FakeServer, fakeServer, hang, json, text } from './fake-server';

const SECRET = 's'.repeat(64);
const ALICE = { id: '00u1a2b3c4d5e6f7g8h', email: 'alice@corp.example.com', name: 'Alice Smith' };
const OK = json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIn0.c2ln', scope: 'finance.read' });

let server: FakeServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  server = await fakeServer();
  process.on('unhandledRejection', onUnhandled);
});
after(async () => {
  await server.close();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejections');
});
afterEach(() => server.seen.splice(0));

function options(extra: Partial<TokenRequestOptions> = {}): TokenRequestOptions {
  const delays: number[] = [];
  return {
    tokenEndpoint: `${server.url}/oauth2/aus1/v1/token`,
    clientId: '0oa1b2c3d4e5f6g7h8i9',
    credential: { kind: 'secret', secret: SECRET },
    scopes: ['finance.read'],
    human: ALICE,
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    clock: () => 1767348000,
    ...extra,
  };
}

/** The client assertions the server received. */
const assertions = () => server.seen.map((request) => new URLSearchParams(request.body).get('client_assertion') ?? '');

describe('requestToken', () => {
  it('sends client_credentials with a signed assertion that carries the human', async () => {
    server.script(OK);
    const result = await requestToken(options());
    assert.equal(result.accessToken, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIn0.c2ln');
    assert.equal(result.attempts, 1);
    const form = new URLSearchParams(server.seen[0]?.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'finance.read');
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(form.get('client_secret'), null, 'one credential only');
    assert.equal(server.seen[0]?.headers.authorization, undefined);
    const claims = joseDecode(form.get('client_assertion') ?? '');
    assert.equal(claims.aud, `${server.url}/oauth2/aus1/v1/token`);
    assert.deepEqual(claims.act, { sub: ALICE.id, email: ALICE.email, name: ALICE.name });
    assert.deepEqual(result.assertion.act, claims.act);
  });

  it('sends no act when no human is given', async () => {
    server.script(OK);
    await requestToken(options({ human: undefined }));
    assert.equal(joseDecode(assertions()[0] ?? '').act, undefined);
  });

  it('retries 500, 502 and 503 with backoff, signing a new assertion (new jti) every time', async () => {
    server.script(json(500, { error: 'server_error' }), text(502, 'Bad Gateway', 'text/html'), OK);
    const delays: number[] = [];
    const result = await requestToken(options({ sleep: async (ms) => void delays.push(ms) }));
    assert.equal(result.attempts, 3);
    assert.deepEqual(delays, [375, 750], 'exponential backoff with jitter (random fixed at 0.5)');
    const jtis = assertions().map((jwt) => joseDecode(jwt).jti);
    assert.equal(new Set(jtis).size, 3, 'no jti is replayed');
    server.seen.splice(0);
    server.script(text(503, 'busy', 'text/plain'));
    await assert.rejects(requestToken(options()), (error: unknown) => error instanceof ResponseError && /HTTP 503 3 times; giving up/.test(error.message));
  });

  it('waits as a 429 asks: Retry-After seconds, or X-Rate-Limit-Reset against Date', async () => {
    const delays: number[] = [];
    server.script(json(429, { errorCode: 'E0000047' }, { 'retry-after': '2' }), OK);
    await requestToken(options({ sleep: async (ms) => void delays.push(ms) }));
    const date = new Date(1767348000 * 1000).toUTCString();
    server.script(json(429, { errorCode: 'E0000047' }, { 'x-rate-limit-reset': String(1767348000 + 3), date }), OK);
    await requestToken(options({ sleep: async (ms) => void delays.push(ms) }));
    assert.deepEqual(delays, [2000, 4000]);
  });

  it('fails at once when a 429 asks for a longer wait than allowed', async () => {
    server.script(json(429, {}, { 'retry-after': '600' }));
    await assert.rejects(requestToken(options()), /rate limiting \(HTTP 429\); it asks to wait 600 s/);
    assert.equal(server.seen.length, 1);
  });

  it('reports OAuth refusals with their parts, and the hint it is given', async () => {
    const refusal = { error: 'invalid_client', error_description: 'The audience claim for client_assertion must be the endpoint invoked for the request.' };
    server.script(json(401, refusal), json(401, refusal));
    await assert.rejects(requestToken(options()), (error: unknown) => {
      assert.ok(error instanceof TokenError);
      assert.equal(error.code, 'ERR_TOKEN');
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.errorDescription, refusal.error_description);
      assert.equal(error.message, `invalid_client: ${refusal.error_description} (HTTP 401).`);
      return true;
    });
    await assert.rejects(requestToken(options({ hint: tokenErrorHint })), (error: unknown) => {
      assert.ok(error instanceof TokenError);
      assert.match(error.message, /\(HTTP 401\)\. Set aud to the token endpoint \(http:\/\/127\.0\.0\.1:\d+\/oauth2\/aus1\/v1\/token\)/);
      return true;
    });
  });

  it('reports a server that is down, hangs, or answers something that is not OAuth', async () => {
    const down = await fakeServer();
    const downUrl = down.url;
    await down.close();
    await assert.rejects(requestToken(options({ tokenEndpoint: `${downUrl}/token` })), (error: unknown) => error instanceof NetworkError && error.failure === 'refused' && /refused the connection/.test(error.message));

    server.script(hang);
    const started = Date.now();
    await assert.rejects(requestToken(options({ timeoutMs: 300 })), (error: unknown) => error instanceof NetworkError && error.failure === 'timeout' && /within 0.3 s/.test(error.message));
    assert.ok(Date.now() - started < 3000);

    server.script(text(200, '<html>login</html>', 'text/html'));
    await assert.rejects(requestToken(options()), /HTTP 200 with "text\/html", not JSON \(starts "<html>login<\/html>"\)/);
    server.script(text(200, '{"access_token": ', 'application/json'));
    await assert.rejects(requestToken(options()), /not valid JSON/);
    server.script(json(200, { token_type: 'Bearer' }));
    await assert.rejects(requestToken(options()), /without an access_token/);
    server.script(json(400, { message: 'nope' }));
    await assert.rejects(requestToken(options()), /without an OAuth error/);
    server.script(text(200, 'x'.repeat(2 * 1024 * 1024), 'application/json'));
    await assert.rejects(requestToken(options()), (error: unknown) => error instanceof NetworkError && error.failure === 'too-large');
  });

  it('stops when its signal aborts: before sending, and while the server is answering', async () => {
    const before = new AbortController();
    before.abort();
    await assert.rejects(requestToken(options({ signal: before.signal })), (error: unknown) => error instanceof NetworkError && error.code === 'ERR_NETWORK_ABORTED');
    assert.equal(server.seen.length, 0, 'nothing was sent');

    server.script(hang);
    const during = new AbortController();
    const started = Date.now();
    setTimeout(() => during.abort(), 100);
    await assert.rejects(requestToken(options({ signal: during.signal, timeoutMs: 10_000 })), (error: unknown) => error instanceof NetworkError && error.failure === 'aborted' && /cancelled/.test(error.message));
    assert.ok(Date.now() - started < 3000, 'it did not wait for the deadline');
  });

  it('refuses plain http to a non-loopback host', async () => {
    await assert.rejects(requestToken(options({ tokenEndpoint: 'http://dev-123456.okta.com/oauth2/aus1/v1/token' })), /must use https/);
  });

  it('adds a DPoP proof when the app requires one, and the nonce the server then asks for', async () => {
    server.script(
      json(400, { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' }),
      json(400, { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' }, { 'dpop-nonce': 'n-123' }),
      json(200, { token_type: 'DPoP', expires_in: 3600, access_token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }),
    );
    const result = await requestToken(options());
    assert.equal(result.dpop, true);
    assert.equal(result.tokenType, 'DPoP');
    assert.equal(server.seen[0]?.headers.dpop, undefined);
    const [second, third] = [server.seen[1]?.headers.dpop, server.seen[2]?.headers.dpop] as string[];
    const header = decodeProtectedHeader(third ?? '');
    assert.equal(header.typ, 'dpop+jwt');
    const { payload } = await jwtVerify(third ?? '', createLocalJWKSet({ keys: [header.jwk as JWK] }), { typ: 'dpop+jwt' });
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, `${server.url}/oauth2/aus1/v1/token`);
    assert.equal(payload.nonce, 'n-123');
    assert.equal(joseDecode(second ?? '').nonce, undefined);
    assert.notEqual(joseDecode(second ?? '').jti, payload.jti);
  });

  it('reports DPoP instead of using it when told not to', async () => {
    server.script(json(400, { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' }));
    await assert.rejects(requestToken(options({ dpop: 'off' })), (error: unknown) => error instanceof TokenError && error.error === 'invalid_dpop_proof' && /DPoP proof/.test(error.message));
    assert.equal(server.seen.length, 1, 'no second attempt');
  });

  it('works with any standards-compliant server: plain paths, a private key, RS256', async () => {
    const { generateKeyPair, exportPKCS8 } = await import('jose');
    const pem = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    server.script(OK);
    await requestToken(options({ tokenEndpoint: `${server.url}/token`, credential: { kind: 'private-key', key: pem, kid: 'agent-1' } }));
    const jwt = parseJwt(assertions()[0]);
    assert.ok(jwt.ok);
    assert.deepEqual(jwt.jwt.header, { alg: 'RS256', typ: 'JWT', kid: 'agent-1' });
    assert.equal(jwt.jwt.payload.aud, `${server.url}/token`);
  });
});

describe('rateLimitDelay', () => {
  const response = (headers: Record<string, string>) => ({ url: '', status: 429, headers, body: '' });
  it('reads an HTTP date in Retry-After', () => {
    assert.equal(rateLimitDelay(response({ 'retry-after': new Date((1767348000 + 5) * 1000).toUTCString() }), 1767348000), 5000);
  });
  it('is undefined without rate-limit headers', () => {
    assert.equal(rateLimitDelay(response({}), 1767348000), undefined);
  });
});
