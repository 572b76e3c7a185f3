/** RFC 8693 token exchange at the sandbox: Okta's on-behalf-of shape, RFC 8693's act, and every refusal with its reason. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonRecord } from '../../../src/core';
import { DEFAULT_IDS, defaultSeed, type Sandbox } from '../../../src/sandbox';
import { ACCESS_TOKEN, api, decodeParts, exchange, NOW, passwordSignIn, postForm, requestWithAssertion, signedAssertion, start, TOKEN_EXCHANGE, type TokenAnswer } from './helpers';

const INVALID = "'subject_token' is invalid";

async function aliceToken(sandbox: Sandbox, options: { agent?: string; scope?: string; username?: string } = {}): Promise<string> {
  const answer = await passwordSignIn(sandbox, { scope: options.scope ?? 'openid finance.read', ...options });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.access_token as string;
}

function assertRefused(answer: TokenAnswer, status: number, error: string, description: string | RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error, error);
  if (typeof description === 'string') assert.equal(answer.body.error_description, description);
  else assert.match(answer.body.error_description as string, description);
}

/** A second agent with client_secret_post and the token exchange grant, covered by AGBAC-Policy. */
function seedWithPayrollAgent(shape?: 'rfc8693'): Record<string, unknown> {
  const seed = defaultSeed(shape ? { tokenExchange: shape } : {});
  (seed.apps as JsonRecord[]).push({
    id: '0oaPayrollAgent0001',
    label: 'Payroll Agent',
    credentials: { oauthClient: { client_secret: 'payroll-agent-secret-0123456789', token_endpoint_auth_method: 'client_secret_post' } },
    settings: { oauthClient: { grant_types: ['client_credentials', TOKEN_EXCHANGE], application_type: 'service' } },
  });
  const policy = ((seed.authorizationServers as JsonRecord[])[0]?.policies as JsonRecord[])[0] as { conditions: { clients: { include: string[] } } };
  policy.conditions.clients.include.push('0oaPayrollAgent0001');
  return seed;
}

function payrollExchange(sandbox: Sandbox, subjectToken: string): Promise<TokenAnswer> {
  return postForm(sandbox.tokenEndpoint, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN,
    scope: 'finance.read',
    client_id: '0oaPayrollAgent0001',
    client_secret: 'payroll-agent-secret-0123456789',
  });
}

describe('sandbox token exchange', () => {
  describe("Okta's on-behalf-of shape (the default)", () => {
    let sandbox: Sandbox;
    let clock = NOW;
    before(async () => {
      sandbox = await start({ seed: seedWithPayrollAgent(), now: () => clock });
    });
    after(() => sandbox.close());

    it('exchanges Alice\'s token as the Finance Agent: sub her login, uid her id, cid the agent, no act', async () => {
      const answer = await exchange(sandbox, await aliceToken(sandbox));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual({ ...answer.body, access_token: undefined }, {
        token_type: 'Bearer', expires_in: 3600, access_token: undefined, scope: 'finance.read', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      });
      const token = decodeParts(answer.body.access_token as string);
      assert.deepEqual(Object.keys(token.header), ['kid', 'alg']);
      assert.deepEqual({ ...token.payload, jti: undefined }, {
        ver: 1, jti: undefined, iss: sandbox.issuer, aud: DEFAULT_IDS.audience, iat: NOW, exp: NOW + 3600, cid: DEFAULT_IDS.clientId,
        uid: DEFAULT_IDS.alice, scp: ['finance.read'], auth_time: NOW, sub: DEFAULT_IDS.aliceLogin,
      });
    });

    it("the agent's own word never becomes the person: act in its client assertion is not copied", async () => {
      const answer = await exchange(sandbox, await aliceToken(sandbox), {}, { act: { sub: DEFAULT_IDS.bob } });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(decodeParts(answer.body.access_token as string).payload.act, undefined);
    });

    it('honours may_act: a token meant for the Payroll Agent cannot be exchanged by the Finance Agent', async () => {
      const forPayroll = await aliceToken(sandbox, { agent: '0oaPayrollAgent0001' });
      assertRefused(await exchange(sandbox, forPayroll), 400, 'invalid_request', `${INVALID}: its may_act names "0oaPayrollAgent0001" as the one who may act for the person, not ${DEFAULT_IDS.clientId}.`);
      assert.equal((await payrollExchange(sandbox, forPayroll)).status, 200);
      const forFinance = await aliceToken(sandbox, { agent: DEFAULT_IDS.clientId });
      assert.equal((await exchange(sandbox, forFinance)).status, 200);
    });

    it('refuses an expired subject token, with the reason', async () => {
      const token = await aliceToken(sandbox);
      clock = NOW + 3601;
      try {
        const later = await exchange(sandbox, token, {}, { iat: clock, exp: clock + 300 });
        assertRefused(later, 400, 'invalid_request', `${INVALID}: it expired 1 s ago.`);
      } finally {
        clock = NOW;
      }
    });

    it('refuses a subject token from another issuer, one with a bad signature, and one that is no JWT', async () => {
      const other = await start();
      try {
        const foreign = await aliceToken(other);
        assertRefused(await exchange(sandbox, foreign), 400, 'invalid_request', `${INVALID}: it was issued by "${other.issuer}", not by this authorization server (${sandbox.issuer}).`);
      } finally {
        await other.close();
      }
      const [header, payload, signature] = (await aliceToken(sandbox)).split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as JsonRecord;
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, uid: DEFAULT_IDS.bob })).toString('base64url')}.${signature}`;
      assertRefused(await exchange(sandbox, forged), 400, 'invalid_request', `${INVALID}: its signature does not verify with this authorization server's keys.`);
      assertRefused(await exchange(sandbox, 'not-a-token'), 400, 'invalid_request', `${INVALID}: it is not a JWT.`);
    });

    it("refuses the agent's own client_credentials token: it carries no person", async () => {
      const own = (await requestWithAssertion(sandbox, await signedAssertion(sandbox))).body.access_token as string;
      assertRefused(await exchange(sandbox, own), 400, 'invalid_request', `${INVALID}: it names no person (uid): a client_credentials token carries no one to act for.`);
    });

    it('refuses an app without the token exchange grant', async () => {
      const path = `/api/v1/apps/${DEFAULT_IDS.clientId}`;
      const app = (await api(sandbox, 'GET', path)).body as { settings: { oauthClient: JsonRecord } };
      const withGrants = (grants: string[]) => api(sandbox, 'PUT', path, { ...app, settings: { ...app.settings, oauthClient: { ...app.settings.oauthClient, grant_types: grants } } });
      assert.equal((await withGrants(['client_credentials'])).status, 200);
      try {
        assertRefused(await exchange(sandbox, await aliceToken(sandbox)), 400, 'unauthorized_client', 'The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].');
      } finally {
        await withGrants(['client_credentials', TOKEN_EXCHANGE]);
      }
    });

    it('bounds the scopes by what the person granted, and checks the audience and the token type', async () => {
      const readOnly = await aliceToken(sandbox, { scope: 'finance.read' });
      assertRefused(await exchange(sandbox, readOnly, { scope: 'finance.read finance.write' }), 400, 'invalid_scope', 'The requested scopes go beyond what the person granted: finance.write (the subject token has finance.read).');
      assertRefused(await exchange(sandbox, readOnly, { audience: 'https://api.example.com/payroll' }), 400, 'invalid_target', "The 'audience' is not an audience of this authorization server.");
      assertRefused(await exchange(sandbox, readOnly, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }), 400, 'invalid_request', /^The 'subject_token_type' must be urn:ietf:params:oauth:token-type:access_token/);
      assertRefused(await exchange(sandbox, '', {}), 400, 'invalid_request', "The 'subject_token' parameter is required.");
    });

    it('refuses a person who is no longer ACTIVE, and takes them back once unsuspended', async () => {
      const created = await api(sandbox, 'POST', '/api/v1/users', { profile: { firstName: 'Eve', lastName: 'Leaving', email: 'eve@corp.example.com' } });
      const id = created.body.id as string;
      const token = await aliceToken(sandbox, { username: 'eve@corp.example.com' });
      assert.equal((await api(sandbox, 'POST', `/api/v1/users/${id}/lifecycle/suspend`)).status, 200);
      assertRefused(await exchange(sandbox, token), 400, 'invalid_request', `${INVALID}: its person ${id} is SUSPENDED.`);
      assert.equal((await api(sandbox, 'POST', `/api/v1/users/${id}/lifecycle/suspend`)).status, 400, 'only an ACTIVE user can be suspended');
      assert.equal((await api(sandbox, 'POST', `/api/v1/users/${id}/lifecycle/unsuspend`)).status, 200);
      assert.equal((await exchange(sandbox, token)).status, 200);
      assert.equal((await api(sandbox, 'POST', `/api/v1/users/${id}/lifecycle/fly`)).status, 404);
    });

    it("the access policy's people condition applies to the person whose token is exchanged", async () => {
      const path = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.exchangeRuleId}`;
      const rule = (await api(sandbox, 'GET', path)).body as { conditions: Record<string, unknown> };
      const only = (groups: string[]) => api(sandbox, 'PUT', path, { ...rule, conditions: { ...rule.conditions, people: { groups: { include: groups } } } });
      assert.equal((await only([DEFAULT_IDS.financeGroupId])).status, 200);
      try {
        assert.equal((await exchange(sandbox, await aliceToken(sandbox))).status, 200);
        assertRefused(await exchange(sandbox, await aliceToken(sandbox, { username: DEFAULT_IDS.bobLogin })), 400, 'access_denied', 'Policy evaluation failed for this request, please check the policy configurations.');
      } finally {
        await only(['EVERYONE']);
      }
    });
  });

  describe("RFC 8693's act, when the authorization server is configured for it", () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await start({ seed: seedWithPayrollAgent('rfc8693') });
    });
    after(() => sandbox.close());

    it('puts the person in sub and the agent in act.sub; a second exchange nests the chain', async () => {
      const first = await exchange(sandbox, await aliceToken(sandbox));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const token = decodeParts(first.body.access_token as string).payload;
      assert.deepEqual({ ...token, jti: undefined }, {
        ver: 1, jti: undefined, iss: sandbox.issuer, aud: DEFAULT_IDS.audience, iat: NOW, exp: NOW + 3600, cid: DEFAULT_IDS.clientId,
        uid: DEFAULT_IDS.alice, scope: 'finance.read', auth_time: NOW, sub: DEFAULT_IDS.alice, act: { sub: DEFAULT_IDS.clientId },
      });
      const second = await payrollExchange(sandbox, first.body.access_token as string);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      const chained = decodeParts(second.body.access_token as string).payload;
      assert.deepEqual([chained.sub, chained.cid, chained.act], [DEFAULT_IDS.alice, '0oaPayrollAgent0001', { sub: '0oaPayrollAgent0001', act: { sub: DEFAULT_IDS.clientId } }]);
    });

    it('the setting shows in the Management API and survives a GET-modify-PUT', async () => {
      const path = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}`;
      const server = (await api(sandbox, 'GET', path)).body;
      assert.deepEqual(server.tokenExchange, { shape: 'rfc8693' });
      assert.equal((await api(sandbox, 'PUT', path, { ...server, description: 'changed' })).status, 200);
      assert.deepEqual((await api(sandbox, 'GET', path)).body.tokenExchange, { shape: 'rfc8693' });
      const bad = await api(sandbox, 'PUT', path, { ...server, tokenExchange: { shape: 'sideways' } });
      assert.equal(bad.status, 400);
    });
  });

});
