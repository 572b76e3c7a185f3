/**
 * The official @okta/okta-sdk-nodejs against the sandbox, for every Management API call the
 * product uses, and the effect of Management changes on the token endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OktaApiError, type OpenIdConnectApplication } from '@okta/okta-sdk-nodejs';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, jwtVerify } from 'jose';
import { DEFAULT_IDS, type Sandbox } from '../../../src/sandbox';
import { ALICE, api, collect, decodeParts, isolateOktaSdk, NOW, oktaClient, requestWithAssertion, signedAssertion, start } from './helpers';

isolateOktaSdk();

const AS = DEFAULT_IDS.authServerId;

async function jwksOf(sandbox: Sandbox): Promise<JSONWebKeySet> {
  return (await (await fetch(sandbox.jwksUri)).json()) as JSONWebKeySet;
}

describe('the Okta SDK against the sandbox', () => {
  let sandbox: Sandbox;
  let client: ReturnType<typeof oktaClient>;

  before(async () => {
    sandbox = await start();
    client = oktaClient(sandbox);
  });
  after(() => sandbox.close());

  describe('authorization servers', () => {
    it('lists and gets the seeded server', async () => {
      const servers = await collect(await client.authorizationServerApi.listAuthorizationServers());
      const seeded = servers.find((server) => server.id === AS);
      assert.ok(seeded);
      assert.equal(seeded.name, 'AGBAC-AS');
      assert.deepEqual(seeded.audiences, [DEFAULT_IDS.audience]);
      assert.equal(seeded.issuer, sandbox.issuer);
      const fetched = await client.authorizationServerApi.getAuthorizationServer({ authServerId: AS });
      assert.equal(fetched.status, 'ACTIVE');
      assert.ok(fetched.created instanceof Date);
    });

    it('creates servers and pages through them with a small limit', async () => {
      for (const name of ['Extra-1', 'Extra-2', 'Extra-3']) {
        const created = await client.authorizationServerApi.createAuthorizationServer({
          authorizationServer: { name, description: 'made by a test', audiences: [`api://${name}`] },
        });
        assert.match(created.id ?? '', /^aus/);
        assert.equal(created.issuer, `${sandbox.orgUrl}/oauth2/${created.id ?? ''}`);
      }
      const all = await collect(await client.authorizationServerApi.listAuthorizationServers({ limit: 2 }));
      assert.deepEqual(all.map((server) => server.name), ['AGBAC-AS', 'Extra-1', 'Extra-2', 'Extra-3']);

      const first = await api(sandbox, 'GET', '/api/v1/authorizationServers?limit=2');
      const links = first.headers.get('link') ?? '';
      assert.match(links, new RegExp(`<${sandbox.orgUrl}/api/v1/authorizationServers\\?limit=2&after=[^>]+>; rel="next"`));
      const next = /<([^>]+)>; rel="next"/.exec(links)?.[1] ?? '';
      const second = await fetch(next, { headers: { authorization: `SSWS ${sandbox.apiToken}` } });
      assert.equal(((await second.json()) as unknown[]).length, 2);
    });

    it('finds servers with q', async () => {
      const found = await collect(await client.authorizationServerApi.listAuthorizationServers({ q: 'extra-2' }));
      assert.deepEqual(found.map((server) => server.name), ['Extra-2']);
    });
  });

  describe('scopes, claims, policies and rules', () => {
    it('lists and creates scopes', async () => {
      const scopes = await collect(await client.authorizationServerApi.listOAuth2Scopes({ authServerId: AS }));
      assert.deepEqual(scopes.map((scope) => scope.name), ['finance.read', 'finance.write']);
      const created = await client.authorizationServerApi.createOAuth2Scope({
        authServerId: AS,
        oAuth2Scope: { name: 'finance.audit', displayName: 'Audit', description: 'Read the audit trail', consent: 'IMPLICIT' },
      });
      assert.match(created.id ?? '', /^scp/);
      const again = await collect(await client.authorizationServerApi.listOAuth2Scopes({ authServerId: AS }));
      assert.ok(again.some((scope) => scope.name === 'finance.audit'));
      await assert.rejects(
        client.authorizationServerApi.createOAuth2Scope({ authServerId: AS, oAuth2Scope: { name: 'finance.audit' } }),
        (error: OktaApiError) => error.status === 400 && error.errorCode === 'E0000001',
      );
    });

    it('lists, creates, replaces and deletes claims', async () => {
      const claims = await collect(await client.authorizationServerApi.listOAuth2Claims({ authServerId: AS }));
      const act = claims.find((claim) => claim.name === 'act');
      assert.equal(act?.value, 'clientAssertion.claims.act');
      assert.equal(act?.claimType, 'RESOURCE');

      const created = await client.authorizationServerApi.createOAuth2Claim({
        authServerId: AS,
        oAuth2Claim: { name: 'tenant', status: 'ACTIVE', claimType: 'RESOURCE', valueType: 'EXPRESSION', value: '"corp"', conditions: { scopes: [] } },
      });
      assert.match(created.id ?? '', /^ocl/);
      let token = decodeParts((await requestWithAssertion(sandbox, await signedAssertion(sandbox))).body.access_token as string).payload;
      assert.equal(token.tenant, 'corp');

      const replaced = await client.authorizationServerApi.replaceOAuth2Claim({
        authServerId: AS,
        claimId: created.id ?? '',
        oAuth2Claim: { ...created, value: '"finance"', conditions: { scopes: ['finance.write'] } },
      });
      assert.equal(replaced.value, '"finance"');
      token = decodeParts((await requestWithAssertion(sandbox, await signedAssertion(sandbox))).body.access_token as string).payload;
      assert.equal(token.tenant, undefined, 'only for finance.write now');
      token = decodeParts((await requestWithAssertion(sandbox, await signedAssertion(sandbox), { scope: 'finance.write' })).body.access_token as string).payload;
      assert.equal(token.tenant, 'finance');

      await client.authorizationServerApi.deleteOAuth2Claim({ authServerId: AS, claimId: created.id ?? '' });
      const remaining = await collect(await client.authorizationServerApi.listOAuth2Claims({ authServerId: AS }));
      assert.deepEqual(remaining.map((claim) => claim.name), ['act']);
    });

    it('lists and creates policies and rules', async () => {
      const policies = await collect(await client.authorizationServerApi.listAuthorizationServerPolicies({ authServerId: AS }));
      assert.deepEqual(policies.map((policy) => [policy.name, policy.conditions?.clients?.include]), [
        ['AGBAC-Policy', [DEFAULT_IDS.clientId]],
        ['AGBAC Sign-In Policy', [DEFAULT_IDS.signInClientId]],
      ]);
      const rules = await collect(await client.authorizationServerApi.listAuthorizationServerPolicyRules({ authServerId: AS, policyId: policies[0]?.id ?? '' }));
      assert.deepEqual(rules.map((rule) => [rule.name, rule.conditions?.grantTypes?.include, rule.actions?.token?.accessTokenLifetimeMinutes]), [
        ['Allow Client Credentials with Act', ['client_credentials'], 60],
        ['Allow Token Exchange', ['urn:ietf:params:oauth:grant-type:token-exchange'], 60],
      ]);

      const policy = await client.authorizationServerApi.createAuthorizationServerPolicy({
        authServerId: AS,
        policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Second', description: 'test', priority: 2, conditions: { clients: { include: ['ALL_CLIENTS'] } } },
      });
      assert.match(policy.id ?? '', /^00p/);
      const rule = await client.authorizationServerApi.createAuthorizationServerPolicyRule({
        authServerId: AS,
        policyId: policy.id ?? '',
        policyRule: {
          type: 'RESOURCE_ACCESS',
          name: 'Short tokens',
          conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] }, people: { groups: { include: ['EVERYONE'] } } },
          actions: { token: { accessTokenLifetimeMinutes: 5 } },
        },
      });
      assert.match(rule.id ?? '', /^0pr/);
      await assert.rejects(
        client.authorizationServerApi.createAuthorizationServerPolicy({
          authServerId: AS,
          policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Bad', conditions: { clients: { include: ['0oaNOSUCHAPP'] } } },
        }),
        (error: OktaApiError) => error.status === 400 && error.errorCode === 'E0000001',
      );
      await client.authorizationServerApi.deleteAuthorizationServerPolicy({ authServerId: AS, policyId: policy.id ?? '' });
    });
  });

  describe('apps', () => {
    let app: OpenIdConnectApplication;

    it('creates, gets and lists a service app', async () => {
      app = (await client.applicationApi.createApplication({
        application: {
          name: 'oidc_client',
          label: 'Key Agent',
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
          settings: { oauthClient: { grant_types: ['client_credentials'], response_types: ['token'], application_type: 'service' } },
        } as OpenIdConnectApplication,
      })) as OpenIdConnectApplication;
      assert.match(app.id ?? '', /^0oa/);
      assert.equal(app.credentials?.oauthClient?.client_id, app.id);
      assert.equal(app.credentials?.oauthClient?.client_secret?.length, 64);
      const fetched = (await client.applicationApi.getApplication({ appId: app.id ?? '' })) as OpenIdConnectApplication;
      assert.equal(fetched.label, 'Key Agent');
      const apps = await collect(await client.applicationApi.listApplications({ limit: 1 }));
      assert.deepEqual(apps.map((item) => item.label), ['Finance Agent', 'AGBAC Sign-In', 'Key Agent']);
      const filtered = await collect(await client.applicationApi.listApplications({ q: 'key' }));
      assert.deepEqual(filtered.map((item) => item.id), [app.id]);
      const active = await collect(await client.applicationApi.listApplications({ filter: 'status eq "ACTIVE"' }));
      assert.equal(active.length, 3);
    });

    it('registers RS256 and ES256 keys through replaceApplication for private_key_jwt', async () => {
      const policy = await client.authorizationServerApi.createAuthorizationServerPolicy({
        authServerId: AS,
        policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Key Agent policy', conditions: { clients: { include: [app.id ?? ''] } } },
      });
      await client.authorizationServerApi.createAuthorizationServerPolicyRule({
        authServerId: AS,
        policyId: policy.id ?? '',
        policyRule: {
          type: 'RESOURCE_ACCESS',
          name: 'Client credentials',
          conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['finance.read'] }, people: { groups: { include: ['EVERYONE'] } } },
          actions: { token: { accessTokenLifetimeMinutes: 30 } },
        },
      });
      const claims = { iss: app.id, sub: app.id };
      for (const [alg, kid] of [['RS256', 'rsa-key'], ['ES256', 'ec-key']] as const) {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid };
        const current = (await client.applicationApi.getApplication({ appId: app.id ?? '' })) as OpenIdConnectApplication;
        const oauthClient = current.credentials?.oauthClient;
        const settings = current.settings?.oauthClient;
        assert.ok(oauthClient && settings);
        oauthClient.token_endpoint_auth_method = 'private_key_jwt';
        settings.jwks = { keys: [publicJwk as never] };
        const replaced = (await client.applicationApi.replaceApplication({ appId: app.id ?? '', application: current })) as OpenIdConnectApplication;
        assert.equal(replaced.credentials?.oauthClient?.token_endpoint_auth_method, 'private_key_jwt');
        assert.equal((replaced.settings?.oauthClient?.jwks?.keys?.[0] as { kid?: string } | undefined)?.kid, kid);

        const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid };
        const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox, claims, { kind: 'private-key', key: privateJwk }, { alg }));
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const payload = decodeParts(answer.body.access_token as string).payload;
        assert.deepEqual([payload.cid, payload.exp], [app.id, NOW + 1800]);
      }
    });
  });

  describe('users and groups', () => {
    it('gets a user by id and by login', async () => {
      const byId = await client.userApi.getUser({ userId: ALICE });
      assert.equal(byId.profile?.login, 'alice@corp.example.com');
      assert.equal(byId.status, 'ACTIVE');
      const byLogin = await client.userApi.getUser({ userId: 'alice@corp.example.com' });
      assert.equal(byLogin.id, ALICE);
      await assert.rejects(client.userApi.getUser({ userId: 'nobody@corp.example.com' }), (error: OktaApiError) => error.status === 404 && error.errorCode === 'E0000007');
    });

    it('lists users with search, filter and q', async () => {
      const search = await collect(await client.userApi.listUsers({ search: 'profile.email eq "alice@corp.example.com"' }));
      assert.deepEqual(search.map((user) => user.id), [ALICE]);
      const filter = await collect(await client.userApi.listUsers({ filter: 'status eq "ACTIVE" and profile.lastName sw "jo"' }));
      assert.deepEqual(filter.map((user) => user.id), [DEFAULT_IDS.bob]);
      const q = await collect(await client.userApi.listUsers({ q: 'Al' }));
      assert.deepEqual(q.map((user) => user.id), [ALICE]);
      const paged = await collect(await client.userApi.listUsers({ limit: 1 }));
      assert.equal(paged.length, 2);
      await assert.rejects(
        collect(await client.userApi.listUsers({ search: 'profile.email co "alice"' })),
        (error: OktaApiError) => error.status === 400 && error.errorCode === 'E0000031',
      );
    });

    it("lists a user's groups and the groups", async () => {
      const aliceGroups = await collect(await client.userApi.listUserGroups({ userId: ALICE }));
      assert.deepEqual(aliceGroups.map((group) => group.profile?.name), ['Everyone', 'FinanceUsers']);
      const bobGroups = await collect(await client.userApi.listUserGroups({ userId: DEFAULT_IDS.bob }));
      assert.deepEqual(bobGroups.map((group) => group.profile?.name), ['Everyone']);
      const groups = await collect(await client.groupApi.listGroups({ q: 'Fin' }));
      assert.deepEqual(groups.map((group) => group.id), [DEFAULT_IDS.financeGroupId]);
      const searched = await collect(await client.groupApi.listGroups({ search: 'profile.name eq "financeusers"' }));
      assert.deepEqual(searched.map((group) => group.id), [DEFAULT_IDS.financeGroupId]);
    });

    it('adds and removes a group member', async () => {
      const groupId = DEFAULT_IDS.financeGroupId;
      await client.groupApi.assignUserToGroup({ groupId, userId: DEFAULT_IDS.bob });
      let members = await collect(await client.groupApi.listGroupUsers({ groupId }));
      assert.deepEqual(members.map((user) => user.id), [ALICE, DEFAULT_IDS.bob]);
      await client.groupApi.unassignUserFromGroup({ groupId, userId: DEFAULT_IDS.bob });
      members = await collect(await client.groupApi.listGroupUsers({ groupId }));
      assert.deepEqual(members.map((user) => user.id), [ALICE]);
    });
  });

  it('answers a bad token with OktaApiError 401 E0000011', async () => {
    const bad = oktaClient(sandbox, '00notTheRightToken0000000000000000000000');
    await assert.rejects(bad.authorizationServerApi.getAuthorizationServer({ authServerId: AS }), (error: unknown) => {
      assert.ok(error instanceof OktaApiError);
      assert.equal(error.status, 401);
      assert.equal(error.errorCode, 'E0000011');
      assert.equal(error.errorSummary, 'Invalid token provided');
      return true;
    });
  });
});

describe('Management changes reach the token endpoint', () => {
  let sandbox: Sandbox;
  let client: ReturnType<typeof oktaClient>;

  before(async () => {
    sandbox = await start();
    client = oktaClient(sandbox);
  });
  after(() => sandbox.close());

  it('rotating the keys: the JWKS holds both, new tokens use the new kid, old tokens still verify', async () => {
    const oldToken = (await requestWithAssertion(sandbox, await signedAssertion(sandbox))).body.access_token as string;
    const before = await collect(await client.authorizationServerApi.listAuthorizationServerKeys({ authServerId: AS }));
    assert.deepEqual(before.map((key) => key.status), ['ACTIVE']);

    // The SDK returns a lazy collection here: the rotation is POSTed when it is iterated.
    const rotated = await collect(await client.authorizationServerApi.rotateAuthorizationServerKeys({ authServerId: AS, use: { use: 'sig' } }));
    assert.deepEqual(rotated.map((key) => key.status), ['ACTIVE', 'EXPIRED']);
    assert.equal(rotated[1]?.kid, before[0]?.kid);

    const jwks = await jwksOf(sandbox);
    assert.equal(jwks.keys.length, 2);
    const newToken = (await requestWithAssertion(sandbox, await signedAssertion(sandbox))).body.access_token as string;
    assert.equal(decodeParts(newToken).header.kid, rotated[0]?.kid);
    assert.notEqual(decodeParts(newToken).header.kid, decodeParts(oldToken).header.kid);
    const options = { issuer: sandbox.issuer, audience: DEFAULT_IDS.audience, currentDate: new Date(NOW * 1000) };
    await jwtVerify(oldToken, createLocalJWKSet(jwks), options);
    await jwtVerify(newToken, createLocalJWKSet(jwks), options);
    const server = await client.authorizationServerApi.getAuthorizationServer({ authServerId: AS });
    assert.equal(server.credentials?.signing?.kid, rotated[0]?.kid);
  });

  it('deleting the act claim: the next token has no act', async () => {
    await client.authorizationServerApi.deleteOAuth2Claim({ authServerId: AS, claimId: DEFAULT_IDS.actClaimId });
    const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox));
    assert.equal(answer.status, 200);
    assert.equal('act' in decodeParts(answer.body.access_token as string).payload, false);
  });

  it('removing the scope: the next request gets invalid_scope', async () => {
    const scopes = await collect(await client.authorizationServerApi.listOAuth2Scopes({ authServerId: AS }));
    const read = scopes.find((scope) => scope.name === 'finance.read');
    await client.authorizationServerApi.deleteOAuth2Scope({ authServerId: AS, scopeId: read?.id ?? '' });
    const answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox));
    assert.deepEqual([answer.status, answer.body.error], [400, 'invalid_scope']);
  });

  it('deactivating the policy: the next request is denied, reactivating restores it', async () => {
    await client.authorizationServerApi.deactivateAuthorizationServerPolicy({ authServerId: AS, policyId: DEFAULT_IDS.policyId });
    let answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { scope: 'finance.write' });
    assert.deepEqual([answer.status, answer.body.error], [400, 'access_denied']);
    await client.authorizationServerApi.activateAuthorizationServerPolicy({ authServerId: AS, policyId: DEFAULT_IDS.policyId });
    answer = await requestWithAssertion(sandbox, await signedAssertion(sandbox), { scope: 'finance.write' });
    assert.equal(answer.status, 200);
  });

  it('deactivating the server: its token endpoint and keys answer 404', async () => {
    await client.authorizationServerApi.deactivateAuthorizationServer({ authServerId: AS });
    const keys = await fetch(sandbox.jwksUri);
    assert.equal(keys.status, 404);
    assert.equal(((await keys.json()) as { errorCode: string }).errorCode, 'E0000007');
    await client.authorizationServerApi.activateAuthorizationServer({ authServerId: AS });
    assert.equal((await fetch(sandbox.jwksUri)).status, 200);
  });
});
