/**
 * The org authorization server (`/oauth2/v1/token`: Okta API scopes for service apps with
 * private_key_jwt), app grants, and the Management API with `Authorization: Bearer`: raw HTTP
 * for every error, then the official SDK in PrivateKey mode.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, OktaApiError, type OpenIdConnectApplication } from '@okta/okta-sdk-nodejs';
import { createLocalJWKSet, type CryptoKey, exportJWK, exportPKCS8, generateKeyPair, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import { DEFAULT_IDS, defaultSeed, parseSeed, type Sandbox, SeedError, startSandbox } from '../../../src/sandbox';
import { ASSERTION_TYPE, collect, decodeParts, isolateOktaSdk, NOW, oktaClient, postForm, requestWithAssertion, signedAssertion, type TokenAnswer } from './helpers';

isolateOktaSdk();

const SERVICE = '0oaservice0000000000';
const KID = 'svc-key-1';
const READ_SCOPES = ['okta.users.read', 'okta.groups.read'];

interface ServiceKeys {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly pem: string;
}

async function newServiceKeys(): Promise<ServiceKeys> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  return {
    privateKey: pair.privateKey,
    publicJwk: { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' },
    privateJwk: { ...(await exportJWK(pair.privateKey)), kid: KID },
    pem: await exportPKCS8(pair.privateKey),
  };
}

/** The default org plus a service app with the given public key and granted scopes. */
function seedWithService(publicJwk: JWK, grantedScopes: readonly string[] = READ_SCOPES): Record<string, unknown> {
  const seed = defaultSeed();
  (seed.apps as unknown[]).push({
    id: SERVICE,
    label: 'Management Service',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: { oauthClient: { grant_types: ['client_credentials'], application_type: 'service', jwks: { keys: [publicJwk] } } },
    grantedScopes,
  });
  return seed;
}

/** A Management API call with any `Authorization` header. */
async function call(sandbox: Sandbox, method: string, path: string, authorization: string, body?: unknown): Promise<TokenAnswer> {
  const response = await fetch(`${sandbox.orgUrl}${path}`, {
    method,
    headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, never>) : {} };
}

describe('the org authorization server and Bearer access to the Management API', () => {
  let sandbox: Sandbox;
  let keys: ServiceKeys;
  let clock = NOW;

  /** A private_key_jwt assertion of the service app for the org token endpoint, with overrides. */
  async function assertion(overrides: Record<string, unknown> = {}, key: CryptoKey = keys.privateKey, kid = KID): Promise<string> {
    const payload: Record<string, unknown> = {
      iss: SERVICE,
      sub: SERVICE,
      aud: sandbox.orgTokenEndpoint,
      iat: clock,
      exp: clock + 300,
      jti: randomUUID(),
    };
    for (const [name, value] of Object.entries(overrides)) {
      if (value === undefined) delete payload[name];
      else payload[name] = value;
    }
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
  }

  function orgToken(form: Record<string, string>): Promise<TokenAnswer> {
    return postForm(sandbox.orgTokenEndpoint, form);
  }

  async function tokenFor(scope: string, overrides: Record<string, unknown> = {}): Promise<TokenAnswer> {
    return orgToken({ grant_type: 'client_credentials', scope, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(overrides) });
  }

  async function bearer(scope: string): Promise<string> {
    const answer = await tokenFor(scope);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return `Bearer ${String(answer.body.access_token)}`;
  }

  before(async () => {
    keys = await newServiceKeys();
    sandbox = await startSandbox({ now: () => clock, seed: seedWithService(keys.publicJwk) });
  });
  after(() => sandbox.close());

  describe('the token endpoint', () => {
    it('issues an RS256 token signed with an org key, for the org, with the granted scopes', async () => {
      const answer = await tokenFor('okta.users.read okta.groups.read');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.equal(answer.body.token_type, 'Bearer');
      assert.equal(answer.body.expires_in, 3600);
      assert.equal(answer.body.scope, 'okta.users.read okta.groups.read');
      const token = String(answer.body.access_token);
      const { header, payload } = decodeParts(token);
      assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid']);

      const orgKeys = (await (await fetch(`${sandbox.orgUrl}/oauth2/v1/keys`)).json()) as JSONWebKeySet;
      const customKeys = (await (await fetch(sandbox.jwksUri)).json()) as JSONWebKeySet;
      assert.equal(orgKeys.keys.length, 1);
      assert.ok(!customKeys.keys.some((key) => key.kid === header.kid), 'the org key is not a custom server key');
      const verified = await jwtVerify(token, createLocalJWKSet(orgKeys), { issuer: sandbox.orgUrl, audience: sandbox.orgUrl, currentDate: new Date(clock * 1000) });
      assert.equal(verified.protectedHeader.alg, 'RS256');
      assert.equal(payload.cid, SERVICE);
      assert.equal(payload.sub, SERVICE);
      assert.deepEqual(payload.scp, ['okta.users.read', 'okta.groups.read']);
      assert.equal(payload.exp, clock + 3600);
      assert.equal(payload.iat, clock);
      assert.match(String(payload.jti), /^AT\./);
    });

    it('publishes discovery at the org root', async () => {
      const metadata = (await (await fetch(`${sandbox.orgUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      assert.equal(metadata.issuer, sandbox.orgUrl);
      assert.equal(metadata.token_endpoint, sandbox.orgTokenEndpoint);
      assert.equal(metadata.jwks_uri, sandbox.orgJwksUri);
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['private_key_jwt']);
      assert.ok((metadata.scopes_supported as string[]).includes('okta.users.read'));
    });

    const invalidClient = (description: string) => ({ status: 401, error: 'invalid_client', description });
    const cases: [string, () => Promise<Record<string, string>>, { status: number; error: string; description: string }][] = [
      ['a wrong assertion type', async () => ({ client_assertion_type: 'urn:example', client_assertion: await assertion() }), invalidClient('The client_assertion_type is invalid.')],
      ['an unknown kid', async () => ({ client_assertion: await assertion({}, keys.privateKey, 'other-kid') }), invalidClient('The client_assertion JWT kid is invalid.')],
      ['another private key', async () => ({ client_assertion: await assertion({}, (await generateKeyPair('RS256')).privateKey) }), invalidClient('The client_assertion signature is invalid.')],
      ['iss not equal to sub', async () => ({ client_assertion: await assertion({ sub: DEFAULT_IDS.clientId }) }), invalidClient('Client authentication failed. Either the client or the client credentials are invalid.')],
      ['a custom server audience', async () => ({ client_assertion: await assertion({ aud: sandbox.tokenEndpoint }) }), invalidClient('The audience claim for client_assertion must be the endpoint invoked for the request.')],
      ['the org URL as audience', async () => ({ client_assertion: await assertion({ aud: sandbox.orgUrl }) }), invalidClient('The audience claim for client_assertion must be the endpoint invoked for the request.')],
      ['an expired assertion', async () => ({ client_assertion: await assertion({ exp: clock - 1 }) }), invalidClient('The client_assertion token is expired.')],
      ['an exp too far ahead', async () => ({ client_assertion: await assertion({ exp: clock + 7200 }) }), invalidClient('The client_assertion token has an expiration too far into the future.')],
      ['client_id next to the assertion', async () => ({ client_id: SERVICE, client_assertion: await assertion() }), { status: 401, error: 'invalid_request', description: 'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.' }],
      ['a client_secret_jwt app', async () => ({ client_assertion: await signedAssertion(sandbox, { aud: sandbox.orgTokenEndpoint }) }), invalidClient('Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.')],
      ['no grant_type', async () => ({ grant_type: '', client_assertion: await assertion() }), { status: 400, error: 'invalid_request', description: "The token request must specify a 'grant_type'. Valid values: [client_credentials]" }],
      ['an unknown grant type', async () => ({ grant_type: 'magic', client_assertion: await assertion() }), { status: 400, error: 'unsupported_grant_type', description: 'The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].' }],
      ['a grant type the app lacks', async () => ({ grant_type: 'password', client_assertion: await assertion() }), { status: 400, error: 'unauthorized_client', description: 'The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].' }],
      ['no scope', async () => ({ scope: '', client_assertion: await assertion() }), { status: 400, error: 'invalid_scope', description: "The authorization server resource does not have any configured default scopes, 'scope' must be provided." }],
      ['a custom server scope', async () => ({ scope: 'finance.read', client_assertion: await assertion() }), { status: 400, error: 'invalid_scope', description: 'One or more scopes are not configured for the authorization server resource.' }],
      ['an Okta scope not granted', async () => ({ scope: 'okta.users.read okta.users.manage', client_assertion: await assertion() }), { status: 400, error: 'invalid_scope', description: 'One or more scopes are not configured for the authorization server resource.' }],
    ];
    for (const [name, form, expected] of cases) {
      it(`refuses ${name}`, async () => {
        const base = { grant_type: 'client_credentials', scope: 'okta.users.read', client_assertion_type: ASSERTION_TYPE };
        const fields = Object.fromEntries(Object.entries({ ...base, ...(await form()) }).filter(([, value]) => value !== ''));
        const answer = await orgToken(fields);
        assert.deepEqual({ status: answer.status, error: answer.body.error, description: answer.body.error_description }, expected);
      });
    }

    it('refuses a replayed assertion', async () => {
      const once = await assertion();
      const form = { grant_type: 'client_credentials', scope: 'okta.users.read', client_assertion_type: ASSERTION_TYPE, client_assertion: once };
      assert.equal((await orgToken(form)).status, 200);
      const again = await orgToken(form);
      assert.deepEqual([again.status, again.body.error_description], [401, 'The client_assertion token has already been used.']);
    });
  });

  describe('grants', () => {
    const grants = `/api/v1/apps/${SERVICE}/grants`;
    const ssws = () => `SSWS ${sandbox.apiToken}`;

    it('lists the seeded grants', async () => {
      const listed = await call(sandbox, 'GET', grants, ssws());
      assert.equal(listed.status, 200);
      const items = listed.body as unknown as Record<string, unknown>[];
      assert.deepEqual(items.map((grant) => grant.scopeId), READ_SCOPES);
      assert.ok(items.every((grant) => grant.issuer === sandbox.orgUrl && grant.status === 'ACTIVE' && grant.clientId === SERVICE));
    });

    it('grants a scope, which the token endpoint then issues, and revokes it', async () => {
      assert.equal((await tokenFor('okta.apps.read')).status, 400);
      const created = await call(sandbox, 'POST', grants, ssws(), { issuer: sandbox.orgUrl, scopeId: 'okta.apps.read' });
      assert.equal(created.status, 201);
      assert.match(String(created.body.id), /^oag/);
      assert.deepEqual([created.body.scopeId, created.body.issuer, created.body.status], ['okta.apps.read', sandbox.orgUrl, 'ACTIVE']);
      assert.equal((await tokenFor('okta.apps.read')).status, 200);

      const fetched = await call(sandbox, 'GET', `${grants}/${String(created.body.id)}`, ssws());
      assert.equal(fetched.body.scopeId, 'okta.apps.read');
      assert.equal((await call(sandbox, 'DELETE', `${grants}/${String(created.body.id)}`, ssws())).status, 204);
      assert.equal((await tokenFor('okta.apps.read')).status, 400);
    });

    it('refuses a wrong issuer, an unknown scope, a repeated grant and an unknown app', async () => {
      const wrongIssuer = await call(sandbox, 'POST', grants, ssws(), { issuer: sandbox.issuer, scopeId: 'okta.apps.read' });
      assert.deepEqual([wrongIssuer.status, wrongIssuer.body.errorCode, wrongIssuer.body.errorSummary], [400, 'E0000001', 'Api validation failed: issuer']);
      const unknown = await call(sandbox, 'POST', grants, ssws(), { issuer: sandbox.orgUrl, scopeId: 'okta.everything.manage' });
      assert.deepEqual([unknown.status, unknown.body.errorSummary], [400, 'Api validation failed: scopeId']);
      const twice = await call(sandbox, 'POST', grants, ssws(), { issuer: sandbox.orgUrl, scopeId: 'okta.users.read' });
      assert.deepEqual([twice.status, twice.body.errorSummary], [400, 'Api validation failed: scopeId']);
      const noApp = await call(sandbox, 'GET', '/api/v1/apps/0oanothere/grants', ssws());
      assert.deepEqual([noApp.status, noApp.body.errorCode], [404, 'E0000007']);
    });

    it('rejects unknown scopes in a seed', () => {
      const seed = seedWithService(keys.publicJwk, ['okta.users.read', 'okta.nothing.read']);
      assert.throws(
        () => parseSeed(seed),
        (error: unknown) => {
          const index = (seed.apps as unknown[]).length - 1;
          return error instanceof SeedError && error.problems.some((problem) => problem.startsWith(`apps[${index}].grantedScopes: 'okta.nothing.read' invalid`));
        },
      );
    });
  });

  describe('Bearer tokens at the Management API', () => {
    it('reads with a read scope', async () => {
      const auth = await bearer('okta.users.read okta.groups.read');
      const user = await call(sandbox, 'GET', `/api/v1/users/${DEFAULT_IDS.aliceLogin}`, auth);
      assert.deepEqual([user.status, user.body.id], [200, DEFAULT_IDS.alice]);
      assert.equal((await call(sandbox, 'GET', `/api/v1/groups/${DEFAULT_IDS.financeGroupId}/users`, auth)).status, 200);
    });

    it('answers 403 E0000006 with insufficient_scope for a write with a read scope or another family', async () => {
      const auth = await bearer('okta.users.read okta.groups.read');
      const write = await call(sandbox, 'POST', '/api/v1/groups', auth, { profile: { name: 'Nope' } });
      assert.deepEqual([write.status, write.body.errorCode, write.body.errorSummary], [403, 'E0000006', 'You do not have permission to perform the requested action']);
      const challenge = write.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer /);
      assert.match(challenge, /error="insufficient_scope"/);
      assert.match(challenge, /scope="okta\.groups\.manage"/);
      assert.match(challenge, /resource="\/api\/v1\/groups"/);
      const apps = await call(sandbox, 'GET', '/api/v1/apps', auth);
      assert.equal(apps.status, 403);
      assert.match(apps.headers.get('www-authenticate') ?? '', /scope="okta\.apps\.read"/);
      const grantsList = await call(sandbox, 'GET', `/api/v1/apps/${SERVICE}/grants`, auth);
      assert.match(grantsList.headers.get('www-authenticate') ?? '', /scope="okta\.appGrants\.read"/);
    });

    it('lets a manage scope read and write its family', async () => {
      const added = await call(sandbox, 'POST', `/api/v1/apps/${SERVICE}/grants`, `SSWS ${sandbox.apiToken}`, { issuer: sandbox.orgUrl, scopeId: 'okta.groups.manage' });
      assert.equal(added.status, 201);
      const auth = await bearer('okta.groups.manage');
      assert.equal((await call(sandbox, 'GET', '/api/v1/groups', auth)).status, 200);
      assert.equal((await call(sandbox, 'POST', '/api/v1/groups', auth, { profile: { name: 'Managed by OAuth' } })).status, 200);
      assert.equal((await call(sandbox, 'GET', '/api/v1/users', auth)).status, 403);
    });

    it('answers 401 E0000011 for an expired token', async () => {
      const auth = await bearer('okta.users.read');
      clock += 3601;
      try {
        const answer = await call(sandbox, 'GET', '/api/v1/users', auth);
        assert.deepEqual([answer.status, answer.body.errorCode, answer.body.errorSummary], [401, 'E0000011', 'Invalid token provided']);
      } finally {
        clock -= 3601;
      }
      assert.equal((await call(sandbox, 'GET', '/api/v1/users', auth)).status, 200);
    });

    it('answers 401 for a custom authorization server token, a tampered token, garbage and other schemes', async () => {
      const custom = await requestWithAssertion(sandbox, await signedAssertion(sandbox));
      assert.equal(custom.status, 200);
      const good = (await bearer('okta.users.read')).slice('Bearer '.length);
      const [head = '', body = '', signature = ''] = good.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, scp: ['okta.users.manage'] })).toString('base64url')}.${signature}`;
      for (const authorization of [`Bearer ${String(custom.body.access_token)}`, `Bearer ${tampered}`, 'Bearer undefined', `DPoP ${good}`, `Basic ${good}`, 'Bearer']) {
        const answer = await call(sandbox, 'GET', '/api/v1/users', authorization);
        assert.deepEqual([answer.status, answer.body.errorCode], [401, 'E0000011'], authorization.slice(0, 12));
      }
    });

    it('answers 401 once the app is deactivated', async () => {
      const auth = await bearer('okta.users.read');
      const ssws = `SSWS ${sandbox.apiToken}`;
      assert.equal((await call(sandbox, 'POST', `/api/v1/apps/${SERVICE}/lifecycle/deactivate`, ssws)).status, 200);
      try {
        assert.equal((await call(sandbox, 'GET', '/api/v1/users', auth)).status, 401);
      } finally {
        await call(sandbox, 'POST', `/api/v1/apps/${SERVICE}/lifecycle/activate`, ssws);
      }
    });

    it('keeps SSWS working for every route', async () => {
      assert.equal((await call(sandbox, 'GET', '/api/v1/apps', `SSWS ${sandbox.apiToken}`)).status, 200);
      assert.equal((await call(sandbox, 'GET', '/api/v1/apps', 'SSWS wrong-token')).status, 401);
    });
  });
});

describe('the Okta SDK in PrivateKey mode against the sandbox', () => {
  let sandbox: Sandbox;
  let keys: ServiceKeys;
  const log: string[] = [];

  /** The SDK as an API Services app: explicit configuration, no cache, no okta.yaml. */
  function privateKeyClient(scopes: readonly string[], privateKey: string, clientId = SERVICE): Client {
    return new Client({ orgUrl: sandbox.orgUrl, authorizationMode: 'PrivateKey', clientId, scopes: [...scopes], privateKey, keyId: KID, cacheMiddleware: null });
  }

  const tokenAnswers = () => log.filter((line) => line.startsWith('POST /oauth2/v1/token')).map((line) => line.split(' ')[2]);

  before(async () => {
    keys = await newServiceKeys();
    // The SDK signs its assertion with the real clock, so this sandbox keeps the real clock too.
    sandbox = await startSandbox({ seed: seedWithService(keys.publicJwk), log: (line) => log.push(line) });
  });
  after(() => sandbox.close());

  it('reads a user and groups with a PEM key and read scopes', async () => {
    const client = privateKeyClient(READ_SCOPES, keys.pem);
    const user = await client.userApi.getUser({ userId: DEFAULT_IDS.aliceLogin });
    assert.equal(user.id, DEFAULT_IDS.alice);
    const groups = await collect(await client.userApi.listUserGroups({ userId: DEFAULT_IDS.alice }));
    assert.deepEqual(groups.map((group) => group.profile?.name), ['Everyone', DEFAULT_IDS.financeGroup]);
  });

  it('gets 403 E0000006 for a write with read scopes (JWK key)', async () => {
    const client = privateKeyClient(READ_SCOPES, JSON.stringify(keys.privateJwk));
    await assert.rejects(
      client.authorizationServerApi.createAuthorizationServer({ authorizationServer: { name: 'Denied', audiences: ['api://denied'] } }),
      (error: unknown) => {
        assert.ok(error instanceof OktaApiError);
        assert.equal(error.status, 403);
        assert.equal(error.errorCode, 'E0000006');
        return true;
      },
    );
  });

  // The SDK 8.1.0 swallows its token endpoint's errors (oauth.js calls `Http.errorFilter`, which
  // is undefined there: http.js exports `{ Http }`), caches the error body as its token, sends
  // `Bearer undefined`, gets 401, fetches a token once more, and throws the API's 401 E0000011.
  for (const [name, scopes, key, status] of [
    ['a scope not granted (token endpoint: 400 invalid_scope)', ['okta.users.read', 'okta.apps.read'], 'own', '400'],
    ['a wrong private key (token endpoint: 401 invalid_client)', READ_SCOPES, 'other', '401'],
  ] as const) {
    it(`surfaces only 401 E0000011 for ${name}`, async () => {
      const privateKey = key === 'own' ? keys.pem : await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
      log.length = 0;
      await assert.rejects(privateKeyClient(scopes, privateKey).userApi.getUser({ userId: DEFAULT_IDS.alice }), (error: unknown) => {
        assert.ok(error instanceof OktaApiError);
        assert.equal(error.status, 401);
        assert.equal(error.errorCode, 'E0000011');
        assert.equal(error.message, 'Okta HTTP 401 E0000011 Invalid token provided. ');
        return true;
      });
      assert.deepEqual(tokenAnswers(), [status, status]);
    });
  }

  it('works for an app created, keyed and granted through the SDK with SSWS', async () => {
    const admin = oktaClient(sandbox);
    const fresh = await newServiceKeys();
    const app = (await admin.applicationApi.createApplication({
      application: {
        name: 'oidc_client',
        label: 'SDK Service',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
        settings: { oauthClient: { grant_types: ['client_credentials'], response_types: ['token'], application_type: 'service', jwks: { keys: [fresh.publicJwk] } } },
      } as OpenIdConnectApplication,
    })) as OpenIdConnectApplication;
    const appId = app.id ?? '';
    const grant = await admin.applicationApi.grantConsentToScope({ appId, oAuth2ScopeConsentGrant: { issuer: sandbox.orgUrl, scopeId: 'okta.authorizationServers.manage' } });
    assert.equal(grant.scopeId, 'okta.authorizationServers.manage');
    assert.equal(grant.status, 'ACTIVE');
    const listed = await collect(await admin.applicationApi.listScopeConsentGrants({ appId }));
    assert.deepEqual(listed.map((item) => item.scopeId), ['okta.authorizationServers.manage']);

    const client = privateKeyClient(['okta.authorizationServers.manage'], fresh.pem, app.credentials?.oauthClient?.client_id ?? appId);
    const created = await client.authorizationServerApi.createAuthorizationServer({ authorizationServer: { name: 'Made over OAuth', audiences: ['api://oauth'] } });
    assert.match(created.id ?? '', /^aus/);
    const servers = await collect(await client.authorizationServerApi.listAuthorizationServers());
    assert.ok(servers.some((server) => server.id === created.id));
  });
});
