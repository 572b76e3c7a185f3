/** A person's sign-in at the sandbox: the authorize page with PKCE, the code and password grants, and the tokens in Okta's shapes. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JsonRecord } from '../../../src/core';
import { DEFAULT_IDS, defaultSeed, type Sandbox } from '../../../src/sandbox';
import { api, decodeParts, NOW, passwordSignIn, postForm, start, type TokenAnswer } from './helpers';

const REDIRECT = 'http://127.0.0.1:53682/callback';

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(sandbox: Sandbox, values: Record<string, string | undefined>): string {
  const url = new URL(sandbox.authorizationEndpoint);
  const defaults: Record<string, string | undefined> = {
    client_id: sandbox.signInClientId,
    response_type: 'code',
    scope: 'openid profile email finance.read',
    redirect_uri: REDIRECT,
    state: 'state-123',
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...values })) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function get(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The hidden transaction of a sign-in page. */
function transactionOf(html: string): string {
  const match = /name="txn" value="([^"]+)"/.exec(html);
  assert.ok(match?.[1], 'the page carries its transaction');
  return match[1];
}

async function submit(sandbox: Sandbox, txn: string, fields: Record<string, string>): Promise<Page> {
  const response = await fetch(sandbox.authorizationEndpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ txn, ...fields }).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The query of a redirect back to the app. */
function redirectedTo(page: Page): URL {
  assert.equal(page.status, 302, page.text);
  return new URL(page.headers.get('location') ?? '');
}

/** Opens the page, signs Alice in and allows; returns the code. */
async function signInCode(sandbox: Sandbox, challenge: string, values: Record<string, string | undefined> = {}): Promise<string> {
  const page = await get(authorizeUrl(sandbox, { code_challenge: challenge, ...values }));
  assert.equal(page.status, 200, page.text);
  const back = redirectedTo(await submit(sandbox, transactionOf(page.text), { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, decision: 'allow' }));
  assert.equal(back.searchParams.get('state'), values.state ?? 'state-123');
  const code = back.searchParams.get('code');
  assert.ok(code);
  return code;
}

function redeem(sandbox: Sandbox, code: string, verifier: string, extra: Record<string, string> = {}): Promise<TokenAnswer> {
  return postForm(sandbox.tokenEndpoint, {
    grant_type: 'authorization_code',
    client_id: sandbox.signInClientId ?? '',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...extra,
  });
}

function assertOAuthError(answer: TokenAnswer, status: number, error: string, description: string): void {
  assert.deepEqual({ status: answer.status, body: answer.body }, { status, body: { error, error_description: description } });
}

describe('sandbox sign-in', () => {
  let sandbox: Sandbox;
  let clock = NOW;

  before(async () => {
    const seed = defaultSeed();
    (seed.users as unknown[]).push({
      id: '00uOwnPassword00001',
      profile: { firstName: 'Carol', lastName: 'Own', email: 'carol@corp.example.com' },
      credentials: { password: { value: 'carols-own-passphrase' } },
    });
    (seed.users as unknown[]).push({ status: 'SUSPENDED', profile: { firstName: 'Dave', lastName: 'Suspended', email: 'dave@corp.example.com' } });
    sandbox = await start({ seed, now: () => clock });
  });
  after(() => sandbox.close());

  it('publishes the authorization endpoint, S256 and the grants in its metadata', async () => {
    const metadata = (await (await fetch(`${sandbox.issuer}/.well-known/openid-configuration`)).json()) as JsonRecord;
    assert.equal(metadata.authorization_endpoint, `${sandbox.issuer}/v1/authorize`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    for (const grant of ['client_credentials', 'authorization_code', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange']) {
      assert.ok((metadata.grant_types_supported as string[]).includes(grant), grant);
    }
    assert.ok((metadata.scopes_supported as string[]).includes('openid'));
    assert.equal(sandbox.signInClientId, DEFAULT_IDS.signInClientId);
    assert.match(sandbox.userPassword, /^[A-Za-z0-9]{20}$/);
  });

  describe('the password grant', () => {
    it("signs Alice in: an access token and an ID token in Okta's shapes", async () => {
      const answer = await passwordSignIn(sandbox, { scope: 'openid profile email finance.read' });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.scope, 'openid profile email finance.read');
      const access = decodeParts(answer.body.access_token as string);
      assert.deepEqual(Object.keys(access.header), ['kid', 'alg']);
      assert.deepEqual(Object.keys(access.payload), ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'auth_time', 'sub']);
      assert.deepEqual(
        { ...access.payload, jti: undefined },
        {
          ver: 1, jti: undefined, iss: sandbox.issuer, aud: DEFAULT_IDS.audience, iat: NOW, exp: NOW + 3600, cid: DEFAULT_IDS.signInClientId,
          uid: DEFAULT_IDS.alice, scp: ['openid', 'profile', 'email', 'finance.read'], auth_time: NOW, sub: DEFAULT_IDS.aliceLogin,
        },
      );
      assert.match(access.payload.jti as string, /^AT\./);

      const keys = createLocalJWKSet((await (await fetch(`${sandbox.issuer}/v1/keys`)).json()) as never);
      const { payload: id } = await jwtVerify(answer.body.id_token as string, keys, { issuer: sandbox.issuer, audience: DEFAULT_IDS.signInClientId, currentDate: new Date(NOW * 1000) });
      assert.equal(id.sub, DEFAULT_IDS.alice);
      assert.equal(id.name, 'Alice Smith');
      assert.equal(id.email, DEFAULT_IDS.aliceLogin);
      assert.equal(id.preferred_username, DEFAULT_IDS.aliceLogin);
      assert.deepEqual(id.amr, ['pwd']);
      assert.match(id.idp as string, /^00o/);
      assert.match(id.jti as string, /^ID\./);
      const digest = createHash('sha256').update(answer.body.access_token as string).digest();
      assert.equal(id.at_hash, digest.subarray(0, 16).toString('base64url'));
    });

    it('no ID token without openid; may_act names the agent the app asked for', async () => {
      const answer = await passwordSignIn(sandbox, { scope: 'finance.read', agent: DEFAULT_IDS.clientId });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.id_token, undefined);
      assert.deepEqual(decodeParts(answer.body.access_token as string).payload.may_act, { sub: DEFAULT_IDS.clientId });
    });

    it('a user with a password of their own signs in with it, not with the development password', async () => {
      assert.equal((await passwordSignIn(sandbox, { username: 'carol@corp.example.com', password: 'carols-own-passphrase' })).status, 200);
      assertOAuthError(await passwordSignIn(sandbox, { username: 'carol@corp.example.com' }), 400, 'invalid_grant', 'The credentials provided were invalid.');
      const shown = await api(sandbox, 'GET', '/api/v1/users/00uOwnPassword00001');
      assert.deepEqual(shown.body.credentials, { password: {}, provider: { type: 'OKTA', name: 'OKTA' } });
    });

    it('one answer for a wrong password, an unknown login and a suspended person', async () => {
      const refusal = (answer: TokenAnswer) => assertOAuthError(answer, 400, 'invalid_grant', 'The credentials provided were invalid.');
      refusal(await passwordSignIn(sandbox, { password: 'not-the-password' }));
      refusal(await passwordSignIn(sandbox, { username: 'nobody@corp.example.com' }));
      refusal(await passwordSignIn(sandbox, { username: 'dave@corp.example.com' }));
      const created = await api(sandbox, 'POST', '/api/v1/users', { profile: { firstName: 'New', lastName: 'Person', email: 'new@corp.example.com' } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal((await passwordSignIn(sandbox, { username: 'new@corp.example.com' })).status, 200, 'a user created without a password signs in with the development password');
    });

    it('refuses what the app may not do: the agent has no password grant, an unknown agent, unknown scopes', async () => {
      const agent = await postForm(sandbox.tokenEndpoint, { grant_type: 'password', username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, scope: 'finance.read', client_id: DEFAULT_IDS.clientId });
      assertOAuthError(agent, 401, 'invalid_client', 'Client authentication failed. Either the client or the client credentials are invalid.');
      assertOAuthError(await passwordSignIn(sandbox, { agent: '0oaNOSUCHAGENT' }), 400, 'invalid_request', "The 'agent' parameter must be the client id of an ACTIVE app of this org.");
      assertOAuthError(await passwordSignIn(sandbox, { scope: 'openid payroll.read' }), 400, 'invalid_scope', 'One or more scopes are not configured for the authorization server resource.');
      assertOAuthError(
        await postForm(sandbox.tokenEndpoint, { grant_type: 'password', client_id: DEFAULT_IDS.signInClientId, username: DEFAULT_IDS.aliceLogin, scope: 'openid' }),
        400,
        'invalid_request',
        "The 'username' and 'password' parameters are required.",
      );
    });
  });

  describe('the authorization code flow with PKCE', () => {
    it('shows a development page naming the agent and the scopes, then issues tokens for the code', async () => {
      const { verifier, challenge } = pkce();
      const page = await get(authorizeUrl(sandbox, { code_challenge: challenge, agent: DEFAULT_IDS.clientId, nonce: 'n-42', login_hint: DEFAULT_IDS.aliceLogin }));
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(page.text, /development page/);
      assert.match(page.text, /not Okta/);
      assert.match(page.text, /<strong>Finance Agent<\/strong> \(<code>0oa123abc456xyz<\/code>\) will act for you/);
      assert.match(page.text, /<code>finance\.read<\/code> Read Finance Data/);
      assert.match(page.text, /id="username" name="username" autocomplete="username" value="alice@corp\.example\.com"/);

      const back = redirectedTo(await submit(sandbox, transactionOf(page.text), { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, decision: 'allow' }));
      assert.equal(`${back.origin}${back.pathname}`, 'http://127.0.0.1:53682/callback');
      assert.equal(back.searchParams.get('state'), 'state-123');
      const answer = await redeem(sandbox, back.searchParams.get('code') ?? '', verifier);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const access = decodeParts(answer.body.access_token as string).payload;
      assert.deepEqual([access.uid, access.sub, access.cid, access.may_act], [DEFAULT_IDS.alice, DEFAULT_IDS.aliceLogin, DEFAULT_IDS.signInClientId, { sub: DEFAULT_IDS.clientId }]);
      assert.equal(decodeParts(answer.body.id_token as string).payload.nonce, 'n-42');
    });

    it('without a named agent the page lists the agents that may exchange the token', async () => {
      const page = await get(authorizeUrl(sandbox, { code_challenge: pkce().challenge }));
      assert.match(page.text, /any of these may exchange your sign-in[\s\S]*Finance Agent/);
    });

    it('a code works once, only with its verifier and its redirect URI, and only for five minutes', async () => {
      const { verifier, challenge } = pkce();
      const code = await signInCode(sandbox, challenge);
      assertOAuthError(await redeem(sandbox, code, pkce().verifier), 400, 'invalid_grant', 'PKCE verification failed.');
      assertOAuthError(await redeem(sandbox, code, verifier), 400, 'invalid_grant', 'The authorization code is invalid or has expired.');

      const second = pkce();
      const other = await signInCode(sandbox, second.challenge);
      assertOAuthError(await redeem(sandbox, other, second.verifier, { redirect_uri: 'http://127.0.0.1:1/callback' }), 400, 'invalid_grant', "The 'redirect_uri' does not match the redirection URI used in the authorization request.");

      const third = pkce();
      const late = await signInCode(sandbox, third.challenge);
      clock += 301;
      try {
        assertOAuthError(await redeem(sandbox, late, third.verifier), 400, 'invalid_grant', 'The authorization code is invalid or has expired.');
      } finally {
        clock = NOW;
      }

      const fourth = pkce();
      const short = await signInCode(sandbox, fourth.challenge);
      assertOAuthError(await redeem(sandbox, short, 'short'), 400, 'invalid_request', "The 'code_verifier' must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~.");
    });

    it('errors the app cannot be trusted with stay on a page; the rest go back with error and state', async () => {
      const unknown = await get(authorizeUrl(sandbox, { client_id: '0oaNOSUCHAPP', code_challenge: pkce().challenge }));
      assert.equal(unknown.status, 400);
      assert.match(unknown.text, /Invalid value for &#39;client_id&#39; parameter\./);
      const elsewhere = await get(authorizeUrl(sandbox, { redirect_uri: 'https://attacker.example/callback', code_challenge: pkce().challenge }));
      assert.equal(elsewhere.status, 400);
      assert.match(elsewhere.text, /The &#39;redirect_uri&#39; parameter must be a Login redirect URI in the client app settings/);
      const otherPath = await get(authorizeUrl(sandbox, { redirect_uri: 'http://127.0.0.1:53682/elsewhere', code_challenge: pkce().challenge }));
      assert.equal(otherPath.status, 400);

      const cases: [Record<string, string | undefined>, string, string][] = [
        [{ code_challenge: undefined }, 'invalid_request', "PKCE code challenge is required when the token endpoint authentication method is 'NONE'."],
        [{ code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request', "The 'code_challenge_method' must be S256; the plain method is not accepted."],
        [{ code_challenge: 'too-short' }, 'invalid_request', "The 'code_challenge' must be 43 base64url characters: the SHA-256 of the code verifier."],
        [{ code_challenge: pkce().challenge, response_type: 'token' }, 'unsupported_response_type', 'The response type is not supported by the authorization server. Configured response types: [code].'],
        [{ code_challenge: pkce().challenge, scope: 'openid payroll.read' }, 'invalid_scope', 'One or more scopes are not configured for the authorization server resource.'],
        [{ code_challenge: pkce().challenge, agent: '0oaNOBODY' }, 'invalid_request', "The 'agent' parameter must be the client id of an ACTIVE app of this org."],
      ];
      for (const [values, error, description] of cases) {
        const back = redirectedTo(await get(authorizeUrl(sandbox, values)));
        assert.deepEqual([back.searchParams.get('error'), back.searchParams.get('error_description'), back.searchParams.get('state')], [error, description, 'state-123'], JSON.stringify(values));
      }
    });

    it('a wrong password shows the page again; Deny goes back with access_denied; a used form is stale', async () => {
      const page = await get(authorizeUrl(sandbox, { code_challenge: pkce().challenge }));
      const txn = transactionOf(page.text);
      const wrong = await submit(sandbox, txn, { username: DEFAULT_IDS.aliceLogin, password: 'wrong', decision: 'allow' });
      assert.equal(wrong.status, 401);
      assert.match(wrong.text, /id="error" role="alert">Unable to sign in/);
      assert.equal(transactionOf(wrong.text), txn);
      const denied = redirectedTo(await submit(sandbox, txn, { decision: 'deny' }));
      assert.deepEqual([denied.searchParams.get('error'), denied.searchParams.get('error_description')], ['access_denied', 'The person denied the request.']);
      const stale = await submit(sandbox, txn, { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, decision: 'allow' });
      assert.equal(stale.status, 400);
      assert.match(stale.text, /expired or was already used/);
    });

    it('a loopback redirect URI matches on any port (RFC 8252 §7.3), and localhost too', async () => {
      for (const uri of ['http://127.0.0.1:1234/callback', 'http://localhost:9/callback']) {
        const back = await get(authorizeUrl(sandbox, { redirect_uri: uri, code_challenge: pkce().challenge }));
        assert.equal(back.status, 200, uri);
      }
    });

    it('escapes what it shows', async () => {
      const created = await api(sandbox, 'POST', '/api/v1/apps', {
        name: 'oidc_client',
        label: '<script>alert(1)</script>',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
        settings: { oauthClient: { grant_types: ['authorization_code'], response_types: ['code'], application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] } },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const clientId = (created.body.credentials as { oauthClient: { client_id: string } }).oauthClient.client_id;
      const page = await get(authorizeUrl(sandbox, { client_id: clientId, code_challenge: pkce().challenge, state: '"><img src=x>' }));
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /<script>alert/);
      assert.match(page.text, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    });

    it("the access policy applies to the person: a sign-in rule for FinanceUsers only turns Bob away", async () => {
      const path = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.signInPolicyId}/rules/${DEFAULT_IDS.signInRuleId}`;
      const rule = (await api(sandbox, 'GET', path)).body as { conditions: Record<string, unknown> };
      const only = (groups: string[]) => api(sandbox, 'PUT', path, { ...rule, conditions: { ...rule.conditions, people: { groups: { include: groups } } } });
      assert.equal((await only([DEFAULT_IDS.financeGroupId])).status, 200);
      try {
        assert.equal((await passwordSignIn(sandbox)).status, 200);
        assertOAuthError(await passwordSignIn(sandbox, { username: DEFAULT_IDS.bobLogin }), 400, 'access_denied', 'Policy evaluation failed for this request, please check the policy configurations.');
        const page = await get(authorizeUrl(sandbox, { code_challenge: pkce().challenge }));
        const back = redirectedTo(await submit(sandbox, transactionOf(page.text), { username: DEFAULT_IDS.bobLogin, password: sandbox.userPassword, decision: 'allow' }));
        assert.equal(back.searchParams.get('error'), 'access_denied');
      } finally {
        await only(['EVERYONE']);
      }
    });
  });
});
