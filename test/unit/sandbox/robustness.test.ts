import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { base64url } from 'jose';
import { DEFAULT_IDS, type Sandbox } from '../../../src/sandbox';
import { api, ASSERTION_TYPE, assertionPayload, postForm, requestWithAssertion, signedAssertion, start } from './helpers';

const AS_PATH = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}`;

/** Sends raw bytes and returns what came back (until the server closes or 2 s pass). */
function raw(sandbox: Sandbox, bytes: string): Promise<string> {
  const { hostname, port } = new URL(sandbox.orgUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
}

describe('sandbox robustness', () => {
  let sandbox: Sandbox;
  const logs: string[] = [];

  before(async () => {
    sandbox = await start({ log: (line) => logs.push(line) });
  });
  after(() => sandbox.close());

  describe('request bodies', () => {
    it('refuses a token request body over 64 KiB with 413', async () => {
      const answer = await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials', padding: 'x'.repeat(70_000) });
      assert.equal(answer.status, 413);
      assert.deepEqual(answer.body, { error: 'invalid_request', error_description: 'The request body is larger than 65536 bytes.' });
    });

    it('refuses a Management body over 1 MiB with 413 in Okta\'s error shape', async () => {
      const answer = await api(sandbox, 'POST', `${AS_PATH}/scopes`, { name: 'big', description: 'x'.repeat(1_100_000) });
      assert.equal(answer.status, 413);
      assert.equal(answer.body.errorCode, 'E0000003');
      assert.deepEqual(answer.body.errorCauses, [{ errorSummary: 'The body is larger than 1048576 bytes.' }]);
    });

    it('answers a malformed form with invalid_request', async () => {
      const send = (body: string, type = 'application/x-www-form-urlencoded') =>
        fetch(sandbox.tokenEndpoint, { method: 'POST', headers: { 'content-type': type }, body }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        }));
      const badEncoding = await send('grant_type=client_credentials&client_secret=%zzsecret');
      assert.deepEqual(badEncoding, {
        status: 400,
        body: { error: 'invalid_request', error_description: 'The request body is not a valid form: parameter 2 has a bad percent-encoding.' },
      });
      const repeated = await send('grant_type=client_credentials&scope=a&scope=b');
      assert.deepEqual(repeated.body, { error: 'invalid_request', error_description: "The 'scope' parameter must not be repeated." });
      const json = await send('{"grant_type":"client_credentials"}', 'application/json');
      assert.deepEqual(json, { status: 400, body: { error: 'invalid_request', error_description: 'The token request must be sent as application/x-www-form-urlencoded.' } });
      const notUtf8 = await fetch(sandbox.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]),
      });
      assert.equal(notUtf8.status, 400);
    });

    it('answers malformed JSON with 400 E0000003, never quoting the body', async () => {
      const answer = await api(sandbox, 'POST', `${AS_PATH}/scopes`, '{"name": "finance.x", "secret": "hunter2" ');
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errorCode, 'E0000003');
      assert.equal(answer.body.errorSummary, 'The request body was not well-formed.');
      assert.doesNotMatch(JSON.stringify(answer.body), /hunter2/);
      const empty = await fetch(`${sandbox.orgUrl}${AS_PATH}/scopes`, {
        method: 'POST',
        headers: { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'application/json' },
      });
      assert.equal(empty.status, 400);
    });

    it('answers a body that is not JSON by type with 415 E0000021', async () => {
      const response = await fetch(`${sandbox.orgUrl}${AS_PATH}/scopes`, {
        method: 'POST',
        headers: { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'text/plain' },
        body: 'name=finance.x',
      });
      assert.equal(response.status, 415);
      assert.equal(((await response.json()) as { errorCode: string }).errorCode, 'E0000021');
    });

    it('lists every validation problem as an error cause (400 E0000001)', async () => {
      const answer = await api(sandbox, 'POST', '/api/v1/authorizationServers', { audiences: 'not a list', status: 'SLEEPY' });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errorCode, 'E0000001');
      assert.equal(answer.body.errorSummary, 'Api validation failed: name');
      assert.deepEqual(answer.body.errorCauses, [
        { errorSummary: 'name: The field cannot be left blank' },
        { errorSummary: 'audiences: must be an array of non-empty strings' },
        { errorSummary: "status: 'status' is invalid. Valid values: [ACTIVE, INACTIVE]." },
      ]);
    });
  });

  describe('assertions', () => {
    it('answers a garbage assertion with invalid_client', async () => {
      for (const garbage of ['not-a-jwt', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.%%%.sig', '']) {
        const answer = await requestWithAssertion(sandbox, garbage);
        assert.equal(answer.status, 401, garbage);
        assert.equal(answer.body.error, 'invalid_client', garbage);
      }
    });

    it('answers an unsigned (alg none) assertion with a signature error', async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const payload = base64url.encode(JSON.stringify(assertionPayload(sandbox)));
      const answer = await requestWithAssertion(sandbox, `${header}.${payload}.`);
      assert.deepEqual(answer.body, { error: 'invalid_client', error_description: 'The client_assertion signature is invalid.' });
    });

    it('answers an assertion with a non-numeric exp or jti as invalid', async () => {
      for (const overrides of [{ exp: 'soon' }, { jti: 42 }]) {
        const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox, overrides));
        assert.deepEqual(answer.body, { error: 'invalid_client', error_description: 'The client_assertion token is invalid.' });
      }
    });
  });

  describe('routes', () => {
    it('answers unknown routes 404 E0000007 and wrong methods 405 E0000022, always with Content-Type', async () => {
      const unknown = await fetch(`${sandbox.orgUrl}/nowhere`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get('content-type'), 'application/json');
      assert.equal(((await unknown.json()) as { errorCode: string }).errorCode, 'E0000007');
      const wrong = await fetch(sandbox.tokenEndpoint);
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'POST');
      assert.equal(((await wrong.json()) as { errorCode: string }).errorCode, 'E0000022');
      const deleted = await api(sandbox, 'DELETE', `${AS_PATH}/claims/nosuchclaim`);
      assert.equal(deleted.status, 404);
      assert.equal(deleted.headers.get('content-type'), 'application/json');
    });

    it('answers 204 with a Content-Type', async () => {
      const created = await api(sandbox, 'POST', `${AS_PATH}/scopes`, { name: 'temporary' });
      assert.equal(created.status, 201);
      const deleted = await api(sandbox, 'DELETE', `${AS_PATH}/scopes/${created.body.id as string}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.headers.get('content-type'), 'application/json');
    });

    it('requires the SSWS token on the Management API', async () => {
      for (const authorization of [undefined, 'SSWS wrong', `Bearer ${sandbox.apiToken}`, `SSWS ${sandbox.apiToken}x`]) {
        const response = await fetch(`${sandbox.orgUrl}/api/v1/users`, { headers: authorization ? { authorization } : {} });
        assert.equal(response.status, 401);
        assert.deepEqual({ ...((await response.json()) as object), errorId: 'x' }, {
          errorCode: 'E0000011',
          errorSummary: 'Invalid token provided',
          errorLink: 'E0000011',
          errorId: 'x',
          errorCauses: [],
        });
      }
    });

    it('answers an unsupported search with 400 E0000031', async () => {
      const answer = await api(sandbox, 'GET', `/api/v1/users?search=${encodeURIComponent('lastUpdated gt "2026-01-01"')}`);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errorCode, 'E0000031');
      assert.equal(answer.body.errorSummary, 'Invalid search criteria.');
    });

    it('serves both discovery documents and refuses an unknown server', async () => {
      for (const name of ['oauth-authorization-server', 'openid-configuration']) {
        const response = await fetch(`${sandbox.issuer}/.well-known/${name}`);
        const document = (await response.json()) as Record<string, unknown>;
        assert.equal(document.issuer, sandbox.issuer);
        assert.equal(document.token_endpoint, sandbox.tokenEndpoint);
        assert.equal(document.jwks_uri, sandbox.jwksUri);
        assert.ok((document.token_endpoint_auth_methods_supported as string[]).includes('client_secret_jwt'));
      }
      const unknown = await fetch(`${sandbox.orgUrl}/oauth2/ausNOPE/.well-known/openid-configuration`);
      assert.equal(unknown.status, 404);
    });
  });

  describe('survival', () => {
    it('keeps serving after malformed HTTP and odd requests', async () => {
      const answer = await raw(sandbox, 'THIS IS NOT HTTP\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 400/);
      await raw(sandbox, `POST /oauth2/${DEFAULT_IDS.authServerId}/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant`);
      const odd = await Promise.all([
        fetch(`${sandbox.orgUrl}/api/v1/users/%E0%A4%A`, { headers: { authorization: `SSWS ${sandbox.apiToken}` } }),
        fetch(`${sandbox.orgUrl}/oauth2/${'a'.repeat(5000)}/v1/keys`),
        fetch(sandbox.tokenEndpoint, { method: 'POST', headers: { authorization: 'Basic !!!', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }),
        postForm(sandbox.tokenEndpoint, { client_assertion_type: ASSERTION_TYPE, client_assertion: 'e'.repeat(10_000) }),
      ]);
      assert.deepEqual(odd.map((response) => response.status), [404, 404, 401, 401]);
      assert.equal((await fetch(sandbox.jwksUri)).status, 200);
      assert.equal(logs.filter((line) => line.startsWith('internal error')).length, 0, logs.join('\n'));
    });

    it('logs method, path and status only', () => {
      assert.ok(logs.includes(`POST /oauth2/${DEFAULT_IDS.authServerId}/v1/token 413`));
      assert.ok(logs.every((line) => !line.includes('?') && !line.includes(sandbox.apiToken)));
    });
  });
});

describe('closing', () => {
  it('closes keep-alive connections promptly', async () => {
    const sandbox = await start();
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get(sandbox.jwksUri, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      }).on('error', reject);
    });
    assert.equal(status, 200);
    const started = Date.now();
    await sandbox.close();
    assert.ok(Date.now() - started < 1000, `closed in ${Date.now() - started} ms`);
    await sandbox.close();
    agent.destroy();
    await assert.rejects(fetch(sandbox.jwksUri));
  });

  it('reports a port in use', async () => {
    const first = await start();
    try {
      const port = Number(new URL(first.orgUrl).port);
      await assert.rejects(start({ port }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_SANDBOX_PORT_IN_USE');
        assert.equal(error.message, `port ${port} on 127.0.0.1 is already in use`);
        return true;
      });
    } finally {
      await first.close();
    }
  });
});
