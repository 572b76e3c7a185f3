import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import { checkTokenClaims, type JsonRecord, verifyAccessToken } from '../../../src/core';
import { DEFAULT_IDS, type Sandbox } from '../../../src/sandbox';
import {
  ALICE,
  api,
  ASSERTION_TYPE,
  assertionPayload,
  decodeParts,
  NOW,
  postForm,
  requestWithAssertion,
  signedAssertion,
  start,
  type TokenAnswer,
} from './helpers';

const OKTA = {
  expired: 'The client_assertion token is expired.',
  tooFar: 'The client_assertion token has an expiration too far into the future.',
  signature: 'The client_assertion signature is invalid.',
  kid: 'The client_assertion JWT kid is invalid.',
  type: 'The client_assertion_type is invalid.',
  audience: 'The audience claim for client_assertion must be the endpoint invoked for the request.',
  replay: 'The client_assertion token has already been used.',
  clientAuth: 'Client authentication failed. Either the client or the client credentials are invalid.',
  scopes: 'One or more scopes are not configured for the authorization server resource.',
  grant: 'The client is not authorized to use the provided grant type. Configured grant types: [client_credentials, urn:ietf:params:oauth:grant-type:token-exchange].',
  policy: 'Policy evaluation failed for this request, please check the policy configurations.',
  dpop: 'The DPoP proof JWT header is missing.',
};

function assertError(answer: TokenAnswer, status: number, error: string, description: string): void {
  assert.deepEqual({ status: answer.status, body: answer.body }, { status, body: { error, error_description: description } });
  assert.equal(answer.headers.get('cache-control'), 'no-store');
}

function assertToken(answer: TokenAnswer, scope = 'finance.read'): string {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.token_type, 'Bearer');
  assert.equal(answer.body.expires_in, 3600);
  assert.equal(answer.body.scope, scope);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  assert.equal(typeof answer.body.access_token, 'string');
  return answer.body.access_token as string;
}

interface CreatedApp {
  readonly clientId: string;
  readonly clientSecret: string;
}

async function createApp(sandbox: Sandbox, label: string, method: string, extra: JsonRecord = {}): Promise<CreatedApp> {
  const answer = await api(sandbox, 'POST', '/api/v1/apps', {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: { oauthClient: { grant_types: ['client_credentials'], response_types: ['token'], application_type: 'service', ...extra } },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const oauthClient = (answer.body.credentials as { oauthClient: { client_id: string; client_secret?: string } }).oauthClient;
  return { clientId: oauthClient.client_id, clientSecret: oauthClient.client_secret ?? '' };
}

describe('sandbox token endpoint', () => {
  let sandbox: Sandbox;
  let postApp: CreatedApp;
  let basicApp: CreatedApp;
  let keyApp: CreatedApp;
  let dpopApp: CreatedApp;
  let privateJwk: JWK;
  const policyPath = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies`;

  before(async () => {
    sandbox = await start();
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'agent-key-1' };
    postApp = await createApp(sandbox, 'Post Agent', 'client_secret_post');
    basicApp = await createApp(sandbox, 'Basic Agent', 'client_secret_basic');
    keyApp = await createApp(sandbox, 'Key Agent', 'private_key_jwt', { jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'agent-key-1' }] } });
    dpopApp = await createApp(sandbox, 'DPoP Agent', 'client_secret_post', { dpop_bound_access_tokens: true });
    // The guide's policy also covers the post, key and DPoP agents; the basic agent gets a write-only policy.
    const replaced = await api(sandbox, 'PUT', `${policyPath}/${DEFAULT_IDS.policyId}`, {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: 'AGBAC-Policy',
      conditions: { clients: { include: [DEFAULT_IDS.clientId, postApp.clientId, keyApp.clientId, dpopApp.clientId] } },
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const policy = await api(sandbox, 'POST', policyPath, {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: 'Write only',
      conditions: { clients: { include: [basicApp.clientId] } },
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const rule = await api(sandbox, 'POST', `${policyPath}/${policy.body.id as string}/rules`, {
      type: 'RESOURCE_ACCESS',
      name: 'Write with client credentials',
      conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['finance.write'] }, people: { groups: { include: ['EVERYONE'] } } },
      actions: { token: { accessTokenLifetimeMinutes: 60 } },
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
  });

  after(() => sandbox.close());

  describe('client authentication methods', () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      it(`client_secret_jwt with ${alg}`, async () => {
        const assertion = await signedAssertion(sandbox, {}, { kind: 'secret', secret: sandbox.clientSecret }, { alg });
        const token = assertToken(await requestWithAssertion(sandbox, assertion));
        assert.deepEqual((decodeParts(token).payload.act as JsonRecord).sub, ALICE);
      });
    }

    it('private_key_jwt with RS256 and a registered key', async () => {
      const assertion = await signedAssertion(sandbox, { iss: keyApp.clientId, sub: keyApp.clientId }, { kind: 'private-key', key: privateJwk });
      const token = assertToken(await requestWithAssertion(sandbox, assertion));
      assert.equal(decodeParts(token).payload.cid, keyApp.clientId);
    });

    it('client_secret_post', async () => {
      const answer = await postForm(sandbox.tokenEndpoint, {
        grant_type: 'client_credentials',
        scope: 'finance.read',
        client_id: postApp.clientId,
        client_secret: postApp.clientSecret,
      });
      const payload = decodeParts(assertToken(answer)).payload;
      assert.equal(payload.sub, postApp.clientId);
      assert.equal(payload.act, undefined, 'no assertion, so the act expression has nothing to read');
    });

    it('client_secret_basic', async () => {
      const basic = Buffer.from(`${encodeURIComponent(basicApp.clientId)}:${encodeURIComponent(basicApp.clientSecret)}`).toString('base64');
      const answer = await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials', scope: 'finance.write' }, { authorization: `Basic ${basic}` });
      assertToken(answer, 'finance.write');
    });

    it('refuses a wrong secret with client_secret_post', async () => {
      const answer = await postForm(sandbox.tokenEndpoint, {
        grant_type: 'client_credentials',
        scope: 'finance.read',
        client_id: postApp.clientId,
        client_secret: `${postApp.clientSecret.slice(0, -1)}x`,
      });
      assertError(answer, 401, 'invalid_client', 'The client secret supplied for a confidential client is invalid.');
    });

    it("refuses a method other than the app's (client_secret_post for a client_secret_jwt app)", async () => {
      const answer = await postForm(sandbox.tokenEndpoint, {
        grant_type: 'client_credentials',
        scope: 'finance.read',
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret,
      });
      assertError(answer, 401, 'invalid_client', OKTA.clientAuth);
    });

    it("refuses an HS256 assertion for a private_key_jwt app", async () => {
      const assertion = await signedAssertion(sandbox, { iss: keyApp.clientId, sub: keyApp.clientId }, { kind: 'secret', secret: keyApp.clientSecret || sandbox.clientSecret });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.clientAuth);
    });

    it('refuses more than one credential', async () => {
      const assertion = await signedAssertion(sandbox);
      const basic = Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64');
      const answer = await postForm(
        sandbox.tokenEndpoint,
        { grant_type: 'client_credentials', scope: 'finance.read', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion },
        { authorization: `Basic ${basic}` },
      );
      assertError(
        answer,
        401,
        'invalid_request',
        'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
      );
      const withClientId = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { client_id: sandbox.clientId });
      assert.equal(withClientId.body.error, 'invalid_request');
    });

    it('refuses a request without credentials', async () => {
      assertError(await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials' }), 401, 'invalid_client', 'No client credentials found.');
    });

    it('refuses an unknown client', async () => {
      const assertion = await signedAssertion(sandbox, { iss: '0oaUNKNOWNCLIENT0000', sub: '0oaUNKNOWNCLIENT0000' });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.clientAuth);
    });

    it('refuses an assertion whose iss and sub differ', async () => {
      const assertion = await signedAssertion(sandbox, { sub: ALICE });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.clientAuth);
    });

    it('refuses an assertion that asks for a JWS extension (crit, b64 among them)', async () => {
      const secret = new TextEncoder().encode(sandbox.clientSecret);
      let sent = 0;
      for (const header of [{ alg: 'HS256', crit: ['b64'], b64: true }, { alg: 'HS256', crit: ['exp'] }]) {
        // jose itself refuses to sign with some extensions; each one it signs is sent.
        const assertion = await new SignJWT(assertionPayload(sandbox)).setProtectedHeader(header as { alg: string }).sign(secret).catch(() => undefined);
        if (!assertion) continue;
        sent++;
        const answer = await requestWithAssertion(sandbox, assertion);
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
        assert.equal(answer.body.error, 'invalid_client');
      }
      assert.ok(sent > 0, 'at least one assertion with crit was sent');
      const control = await new SignJWT(assertionPayload(sandbox)).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      assert.equal((await requestWithAssertion(sandbox, control)).status, 200, 'the same assertion without crit is taken');
    });
  });

  describe("each of Okta's token errors", () => {
    it('invalid_client: the client_assertion token is expired', async () => {
      const assertion = await signedAssertion(sandbox, { iat: NOW - 400, exp: NOW - 100 });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.expired);
    });

    it('invalid_client: an expiration too far into the future', async () => {
      const assertion = await signedAssertion(sandbox, { exp: NOW + 3601 });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.tooFar);
      const limit = await signedAssertion(sandbox, { exp: NOW + 3600 });
      assertToken(await requestWithAssertion(sandbox, limit));
    });

    it('invalid_client: the signature is invalid', async () => {
      const assertion = await signedAssertion(sandbox, {}, { kind: 'secret', secret: 'x'.repeat(64) });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.signature);
    });

    it('invalid_client: the JWT kid is invalid', async () => {
      const claims = { iss: keyApp.clientId, sub: keyApp.clientId };
      const wrongKid = await signedAssertion(sandbox, claims, { kind: 'private-key', key: { ...privateJwk, kid: 'agent-key-2' } });
      assertError(await requestWithAssertion(sandbox, wrongKid), 401, 'invalid_client', OKTA.kid);
      const { kid: _kid, ...noKid } = privateJwk;
      const missingKid = await signedAssertion(sandbox, claims, { kind: 'private-key', key: noKid });
      assertError(await requestWithAssertion(sandbox, missingKid), 401, 'invalid_client', OKTA.kid);
    });

    it('invalid_client: the client_assertion_type is invalid', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
      assertError(answer, 401, 'invalid_client', OKTA.type);
    });

    it('invalid_client: the audience must be the token endpoint (the issuer is refused by default)', async () => {
      const assertion = await signedAssertion(sandbox, { aud: sandbox.issuer });
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.audience);
      const other = await signedAssertion(sandbox, { aud: 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token' });
      assertError(await requestWithAssertion(sandbox, other), 401, 'invalid_client', OKTA.audience);
    });

    it('invalid_client: the assertion has already been used', async () => {
      const assertion = await signedAssertion(sandbox);
      assertToken(await requestWithAssertion(sandbox, assertion));
      assertError(await requestWithAssertion(sandbox, assertion), 401, 'invalid_client', OKTA.replay);
    });

    it('invalid_client: client authentication failed (unknown client id with a secret)', async () => {
      const answer = await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials', scope: 'finance.read', client_id: '0oaNOSUCHCLIENT00000', client_secret: 'a'.repeat(40) });
      assertError(answer, 401, 'invalid_client', OKTA.clientAuth);
    });

    it('invalid_scope: a scope the server does not have', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { scope: 'finance.read finance.admin' });
      assertError(answer, 400, 'invalid_scope', OKTA.scopes);
    });

    it('unauthorized_client: a grant type the app does not have', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { grant_type: 'password' });
      assertError(answer, 400, 'unauthorized_client', OKTA.grant);
    });

    it('access_denied: no rule of the assigned policy matches', async () => {
      const basic = Buffer.from(`${basicApp.clientId}:${basicApp.clientSecret}`).toString('base64');
      const answer = await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials', scope: 'finance.read' }, { authorization: `Basic ${basic}` });
      assertError(answer, 400, 'access_denied', OKTA.policy);
    });

    it('invalid_dpop_proof: an app with DPoP-bound tokens and no DPoP header', async () => {
      const answer = await postForm(sandbox.tokenEndpoint, {
        grant_type: 'client_credentials',
        scope: 'finance.read',
        client_id: dpopApp.clientId,
        client_secret: dpopApp.clientSecret,
      });
      assertError(answer, 400, 'invalid_dpop_proof', OKTA.dpop);
    });
  });

  describe('other refusals', () => {
    it('unsupported_grant_type for a grant type Okta does not know', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { grant_type: 'urn:example:magic' });
      assertError(answer, 400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials, urn:ietf:params:oauth:grant-type:token-exchange].');
    });

    it('invalid_request without a grant type', async () => {
      const { grant_type: _grant, ...form } = { grant_type: '', scope: 'finance.read', client_assertion_type: ASSERTION_TYPE, client_assertion: await signedAssertion(sandbox) };
      const answer = await postForm(sandbox.tokenEndpoint, form);
      assertError(answer, 400, 'invalid_request', "The token request must specify a 'grant_type'. Valid values: [client_credentials, urn:ietf:params:oauth:grant-type:token-exchange]");
    });

    it('invalid_scope without a scope when the server has no default scope', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { scope: '' });
      assertError(answer, 400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
    });

    it('an assertion without exp, or issued in the future', async () => {
      const noExp = await signedAssertion(sandbox, { exp: undefined });
      assertError(await requestWithAssertion(sandbox, noExp), 401, 'invalid_client', 'The client_assertion token must have an expiration (exp) claim.');
      const future = await signedAssertion(sandbox, { iat: NOW + 600, exp: NOW + 900 });
      assertError(await requestWithAssertion(sandbox, future), 401, 'invalid_client', 'The client_assertion token has an issue time (iat) in the future.');
    });

    it('an unknown authorization server answers 404 E0000007', async () => {
      const answer = await postForm(`${sandbox.orgUrl}/oauth2/ausNOSUCHSERVER/v1/token`, { grant_type: 'client_credentials' });
      assert.equal(answer.status, 404);
      assert.equal(answer.body.errorCode, 'E0000007');
      assert.equal(answer.body.errorSummary, 'Not found: Resource not found: ausNOSUCHSERVER (AuthorizationServer)');
    });
  });

  describe('the access token', () => {
    let token: string;
    let jwks: JSONWebKeySet;

    before(async () => {
      token = assertToken(await requestWithAssertion(sandbox, await signedAssertion(sandbox)));
      jwks = (await (await fetch(sandbox.jwksUri)).json()) as JSONWebKeySet;
    });

    it("has Okta's header and claims", () => {
      const { header, payload } = decodeParts(token);
      assert.deepEqual(Object.keys(header), ['kid', 'alg']);
      assert.equal(header.alg, 'RS256');
      assert.equal(header.kid, jwks.keys[0]?.kid);
      assert.deepEqual(Object.keys(payload), ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'scp', 'sub', 'act']);
      assert.equal(payload.ver, 1);
      assert.match(payload.jti as string, /^AT\.[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(
        { iss: payload.iss, aud: payload.aud, iat: payload.iat, exp: payload.exp, cid: payload.cid, scp: payload.scp, sub: payload.sub },
        { iss: sandbox.issuer, aud: DEFAULT_IDS.audience, iat: NOW, exp: NOW + 3600, cid: sandbox.clientId, scp: ['finance.read'], sub: sandbox.clientId },
      );
      assert.deepEqual(payload.act, { sub: ALICE, email: 'alice@corp.example.com', name: 'Alice Smith' });
    });

    it('verifies with jose against the JWKS', async () => {
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
        issuer: sandbox.issuer,
        audience: DEFAULT_IDS.audience,
        algorithms: ['RS256'],
        currentDate: new Date(NOW * 1000),
      });
      assert.equal(protectedHeader.typ, undefined);
      assert.equal(payload.sub, sandbox.clientId);
    });

    it("passes the core's verification with decision ALLOW", async () => {
      const result = await verifyAccessToken(token, {
        keys: jwks,
        issuer: sandbox.issuer,
        audience: DEFAULT_IDS.audience,
        requiredScopes: ['finance.read'],
        approvedAgents: [sandbox.clientId],
        humanApproval: { kind: 'allow-list', ids: [ALICE] },
        now: NOW + 60,
        correlationId: 'sandbox-test',
      });
      assert.equal(result.decision, 'ALLOW', JSON.stringify(result.findings));
      assert.equal(result.agent, sandbox.clientId);
      assert.equal(result.human, ALICE);
      const errors = checkTokenClaims(decodeParts(token).payload, { now: NOW, issuer: sandbox.issuer, audience: DEFAULT_IDS.audience }).filter((f) => f.severity === 'error');
      assert.deepEqual(errors, []);
    });

    it('comes back without act when the assertion has none', async () => {
      const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox, { act: undefined }));
      const { payload } = decodeParts(assertToken(answer));
      assert.equal('act' in payload, false);
      const result = await verifyAccessToken(answer.body.access_token as string, { keys: jwks, issuer: sandbox.issuer, audience: DEFAULT_IDS.audience, now: NOW, correlationId: 'sandbox-test' });
      assert.equal(result.decision, 'DENY');
    });

    it('serves 50 concurrent token requests', async () => {
      const assertions = await Promise.all(Array.from({ length: 50 }, () => signedAssertion(sandbox)));
      const answers = await Promise.all(assertions.map((assertion) => requestWithAssertion(sandbox, assertion)));
      assert.deepEqual(answers.map((answer) => answer.status), answers.map(() => 200));
      assert.equal(new Set(answers.map((answer) => decodeParts(answer.body.access_token as string).payload.jti)).size, 50);
    });
  });
});

describe('sandbox with acceptIssuerAudience', () => {
  it('accepts the issuer as the assertion audience, and still the token endpoint', async () => {
    const sandbox = await start({ acceptIssuerAudience: true });
    try {
      assertToken(await requestWithAssertion(sandbox, await signedAssertion(sandbox, { aud: sandbox.issuer })));
      assertToken(await requestWithAssertion(sandbox, await signedAssertion(sandbox)));
      const other = await signedAssertion(sandbox, { aud: `${sandbox.orgUrl}/oauth2/default` });
      assertError(await requestWithAssertion(sandbox, other), 401, 'invalid_client', OKTA.audience);
    } finally {
      await sandbox.close();
    }
  });
});
