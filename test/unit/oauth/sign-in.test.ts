/** The standards client's sign-in: PKCE, the authorization URL, the loopback listener, the code and password grants, token exchange; against the sandbox. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from '../../../src/core';
import {
  authorizationUrl,
  browserSignIn,
  createPkce,
  discover,
  listenForRedirect,
  passwordGrant,
  pkceChallenge,
  requestToken,
  SignInError,
  TokenError,
} from '../../../src/oauth';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../../src/sandbox';
import { completeSignIn } from '../sign-in-driver';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-character verifier each time', () => {
    const first = createPkce();
    const second = createPkce();
    assert.match(first.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(first.verifier, second.verifier);
    assert.equal(first.challenge, pkceChallenge(first.verifier));
    assert.equal(first.method, 'S256');
  });
});

describe('authorizationUrl', () => {
  it('carries every parameter, the extras too, and keeps the endpoint\'s own query', () => {
    const url = new URL(
      authorizationUrl({
        authorizationEndpoint: 'https://idp.example.com/authorize?tenant=a',
        clientId: 'app',
        redirectUri: 'http://127.0.0.1:5000/callback',
        scopes: ['openid', 'finance.read'],
        state: 's',
        codeChallenge: 'c',
        nonce: 'n',
        extra: { agent: '0oaAgent' },
      }),
    );
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      tenant: 'a', client_id: 'app', response_type: 'code', scope: 'openid finance.read', redirect_uri: 'http://127.0.0.1:5000/callback',
      state: 's', code_challenge: 'c', code_challenge_method: 'S256', nonce: 'n', agent: '0oaAgent',
    });
  });

  it('refuses an authorization endpoint in plain http off loopback', () => {
    assert.throws(() => authorizationUrl({ authorizationEndpoint: 'http://idp.example.com/authorize', clientId: 'a', redirectUri: 'r', scopes: [], state: 's', codeChallenge: 'c' }), /https/);
  });
});

describe('the loopback listener', () => {
  it('ignores another state and another path, then takes the code of its own state', async () => {
    const listener = await listenForRedirect({ state: 'mine' });
    assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal((await fetch(`${listener.redirectUri}?state=theirs&code=stolen`)).status, 400);
    assert.equal((await fetch(listener.redirectUri.replace('/callback', '/other'))).status, 404);
    const page = await fetch(`${listener.redirectUri}?state=mine&code=the-code`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /You are signed in/);
    assert.equal(await listener.code, 'the-code');
  });

  it('an error answer rejects with what the server said, escaped on the page', async () => {
    const listener = await listenForRedirect({ state: 's' });
    const page = await fetch(`${listener.redirectUri}?state=s&error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}`);
    assert.match(await page.text(), /&#60;b&#62;no&#60;\/b&#62;/);
    await assert.rejects(listener.code, (error: unknown) => error instanceof SignInError && error.code === 'ERR_SIGN_IN_REFUSED' && error.error === 'access_denied' && /<b>no<\/b>/.test(error.message));
  });

  it('gives up after its deadline, when aborted, and refuses a redirect URI off loopback', async () => {
    const slow = await listenForRedirect({ state: 's', timeoutMs: 50 });
    await assert.rejects(slow.code, (error: unknown) => error instanceof SignInError && error.failure === 'timeout');
    const controller = new AbortController();
    const aborted = await listenForRedirect({ state: 's', signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted.code, (error: unknown) => error instanceof SignInError && error.failure === 'aborted');
    await assert.rejects(listenForRedirect({ state: 's', redirectUri: 'http://example.com:80/callback' }), (error: unknown) => error instanceof SignInError && error.failure === 'listen');
  });

  it('listens on the port of a registered redirect URI, and says so when it is taken', async () => {
    const first = await listenForRedirect({ state: 's' });
    const port = new URL(first.redirectUri).port;
    await assert.rejects(listenForRedirect({ state: 's', redirectUri: `http://localhost:${port}/callback` }), /the port is in use/);
    first.close();
  });
});

describe('sign-in against the sandbox', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  it('discovers the authorization endpoint and S256', async () => {
    const metadata = await discover(sandbox.issuer);
    assert.equal(metadata.authorizationEndpoint, sandbox.authorizationEndpoint);
    assert.deepEqual(metadata.codeChallengeMethods, ['S256']);
  });

  it('signs Alice in through the browser round trip, then the agent exchanges her token', async () => {
    let shown = '';
    const tokens = await browserSignIn({
      authorizationEndpoint: sandbox.authorizationEndpoint,
      tokenEndpoint: sandbox.tokenEndpoint,
      clientId: DEFAULT_IDS.signInClientId,
      scopes: ['openid', 'profile', 'finance.read'],
      extra: { agent: DEFAULT_IDS.clientId },
      open: async (url) => {
        shown = url;
        assert.equal(await completeSignIn(url, { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword }), 200);
      },
    });
    assert.equal(new URL(shown).searchParams.get('code_challenge_method'), 'S256');
    const access = decodeJwt(tokens.accessToken).payload;
    assert.deepEqual([access.uid, access.cid, access.may_act], [DEFAULT_IDS.alice, DEFAULT_IDS.signInClientId, { sub: DEFAULT_IDS.clientId }]);
    assert.ok(tokens.idToken);

    const exchanged = await requestToken({
      tokenEndpoint: sandbox.tokenEndpoint,
      clientId: sandbox.clientId,
      credential: { kind: 'secret', secret: sandbox.clientSecret },
      scopes: ['finance.read'],
      exchange: { subjectToken: tokens.accessToken, audience: DEFAULT_IDS.audience },
    });
    const payload = decodeJwt(exchanged.accessToken).payload;
    assert.deepEqual([payload.uid, payload.cid, payload.sub, payload.act], [DEFAULT_IDS.alice, DEFAULT_IDS.clientId, DEFAULT_IDS.aliceLogin, undefined]);
    assert.equal(exchanged.assertion.act, undefined, "the agent's assertion names no one in an exchange");
    assert.equal(exchanged.response.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
  });

  it('a person who denies ends the sign-in with a refusal', async () => {
    await assert.rejects(
      browserSignIn({
        authorizationEndpoint: sandbox.authorizationEndpoint,
        tokenEndpoint: sandbox.tokenEndpoint,
        clientId: DEFAULT_IDS.signInClientId,
        scopes: ['openid'],
        open: async (url) => {
          await completeSignIn(url, { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, decision: 'deny' });
        },
      }),
      (error: unknown) => error instanceof SignInError && error.error === 'access_denied',
    );
  });

  it('the password grant, and its refusal as a TokenError', async () => {
    const tokens = await passwordGrant({ tokenEndpoint: sandbox.tokenEndpoint, clientId: DEFAULT_IDS.signInClientId, username: DEFAULT_IDS.bobLogin, password: sandbox.userPassword, scopes: ['finance.read'] });
    assert.equal(decodeJwt(tokens.accessToken).payload.uid, DEFAULT_IDS.bob);
    assert.equal(tokens.idToken, undefined);
    await assert.rejects(
      passwordGrant({ tokenEndpoint: sandbox.tokenEndpoint, clientId: DEFAULT_IDS.signInClientId, username: DEFAULT_IDS.bobLogin, password: 'wrong-password', scopes: ['finance.read'] }),
      (error: unknown) => error instanceof TokenError && error.error === 'invalid_grant' && error.message === 'invalid_grant: The credentials provided were invalid. (HTTP 400).',
    );
  });

  it('a refused exchange is a TokenError carrying the reason', async () => {
    await assert.rejects(
      requestToken({
        tokenEndpoint: sandbox.tokenEndpoint,
        clientId: sandbox.clientId,
        credential: { kind: 'secret', secret: sandbox.clientSecret },
        scopes: ['finance.read'],
        exchange: { subjectToken: 'not-a-token' },
      }),
      (error: unknown) => error instanceof TokenError && error.errorDescription === "'subject_token' is invalid: it is not a JWT.",
    );
  });
});
