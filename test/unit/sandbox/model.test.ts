/** The sandbox's pure parts: seeds, claim expressions, search expressions, policy evaluation. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_IDS, defaultSeed, parseSeed, SeedError } from '../../../src/sandbox';
import { evaluateExpression } from '../../../src/sandbox/claims';
import { FilterError, matchesFilter, parseFilter } from '../../../src/sandbox/filter';
import type { AppRecord } from '../../../src/sandbox/model';
import { evaluatePolicies } from '../../../src/sandbox/policy';
import { buildOrg } from '../../../src/sandbox/seed';
import { NOW, postForm, start } from './helpers';

function seedProblems(document: unknown): readonly string[] {
  try {
    parseSeed(document);
  } catch (error) {
    assert.ok(error instanceof SeedError);
    return error.problems;
  }
  assert.fail('the seed was accepted');
}

describe('seeds', () => {
  it('accepts the default seed: the guide org plus Bob, the sign-in app and token exchange', () => {
    const plan = parseSeed(defaultSeed());
    assert.deepEqual(plan.servers.map((server) => [server.id, server.fields.name, server.fields.audiences]), [
      ['aus123abc456', 'AGBAC-AS', ['https://api.example.com/finance']],
    ]);
    assert.deepEqual(plan.apps.map((app) => [app.id, app.fields.authMethod, app.fields.grantTypes]), [
      [DEFAULT_IDS.clientId, 'client_secret_jwt', ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']],
      [DEFAULT_IDS.signInClientId, 'none', ['authorization_code', 'password']],
    ]);
    assert.deepEqual(plan.servers[0]?.policies.map((policy) => [policy.fields.name, policy.fields.clients, policy.rules.map((rule) => rule.fields.grantTypes)]), [
      ['AGBAC-Policy', [DEFAULT_IDS.clientId], [['client_credentials'], ['urn:ietf:params:oauth:grant-type:token-exchange']]],
      ['AGBAC Sign-In Policy', [DEFAULT_IDS.signInClientId], [['authorization_code', 'password']]],
    ]);
    assert.deepEqual(plan.users.map((user) => [user.id, user.fields.profile.login, user.fields.status]), [
      [DEFAULT_IDS.alice, 'alice@corp.example.com', 'ACTIVE'],
      [DEFAULT_IDS.bob, 'bob@corp.example.com', 'ACTIVE'],
    ]);
    assert.deepEqual(plan.groups.map((group) => [group.fields.name, group.members]), [['FinanceUsers', [DEFAULT_IDS.alice]]]);
  });

  it('reports every problem with its path', () => {
    const problems = seedProblems({
      authorizationServers: [{ audiences: 'x', scopes: [{ name: 'two words' }], policies: [{ name: 'P', conditions: { clients: { include: ['0oaGHOST'] } } }] }],
      apps: [],
      groups: [{ profile: { name: 'G' }, members: ['nobody@example.com'] }],
      extra: true,
    });
    assert.deepEqual(problems, [
      'extra: unknown member (expected authorizationServers, apps, users, groups, inlineHooks)',
      'apps: must list at least one app (the agent)',
      'authorizationServers[0].name: The field cannot be left blank',
      'authorizationServers[0].audiences: must be an array of non-empty strings',
      'authorizationServers[0].scopes[0].name: must not contain white space',
      'authorizationServers[0].policies[0].conditions.clients.include: "0oaGHOST" is not the client_id of a seeded app (or ALL_CLIENTS)',
      'groups[0].members: "nobody@example.com" is neither the id nor the login of a seeded user',
    ]);
    assert.throws(() => parseSeed([]), SeedError);
    assert.match(new SeedError(['a', 'b', 'c', 'd', 'e', 'f', 'g']).message, /^the seed is not valid: a; b; c; d; e \(and 2 more\)$/);
  });

  it('accepts the example of docs/sandbox.md', () => {
    const text = readFileSync(join(__dirname, '../../../docs/sandbox.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(text)?.[1];
    assert.ok(example, 'docs/sandbox.md has a JSON example');
    const plan = parseSeed(JSON.parse(example));
    assert.deepEqual(plan.apps.map((app) => app.fields.authMethod), ['client_secret_jwt', 'private_key_jwt']);
    assert.deepEqual(plan.groups[0]?.members, ['00u123abc456xyz']);
  });

  it("accepts the guide's own JSON examples, and a client_secret_post app works", async () => {
    const guide = {
      authorizationServers: [
        {
          id: 'aus123abc456',
          name: 'AGBAC-AS',
          description: 'Authorization Server for AGBAC dual-subject authorization',
          audiences: ['https://api.example.com/finance'],
          issuer: 'https://your-okta-domain/oauth2/aus123abc456',
          status: 'ACTIVE',
          created: '2026-01-02T10:00:00.000Z',
          lastUpdated: '2026-01-02T10:00:00.000Z',
          scopes: [{ name: 'finance.read', displayName: 'Read Finance Data', description: 'Allows reading finance system data', consent: 'REQUIRED', default: false, metadataPublish: 'ALL_CLIENTS', system: false }],
          claims: [{ id: 'ocl123abc456', name: 'act', status: 'ACTIVE', claimType: 'RESOURCE', valueType: 'EXPRESSION', value: 'clientAssertion.claims.act', alwaysIncludeInToken: false, conditions: { scopes: [] }, system: false }],
          policies: [
            {
              name: 'AGBAC-Policy',
              conditions: { clients: { include: ['0oa123abc456xyz'] } },
              rules: [{ name: 'Allow Client Credentials with Act', conditions: { grantTypes: { include: ['client_credentials'] } }, actions: { token: { accessTokenLifetimeMinutes: 60 } } }],
            },
          ],
        },
      ],
      apps: [
        {
          name: 'Finance Agent',
          credentials: { oauthClient: { client_id: '0oa123abc456xyz', client_secret: '***', token_endpoint_auth_method: 'client_secret_post' } },
          settings: { oauthClient: { grant_types: ['client_credentials'] } },
        },
      ],
      users: [{ id: '00u123abc456xyz', status: 'ACTIVE', profile: { firstName: 'Alice', lastName: 'Smith', email: 'alice@corp.example.com', login: 'alice@corp.example.com' }, credentials: { password: {} } }],
    };
    const sandbox = await start({ seed: guide });
    try {
      assert.equal(sandbox.clientId, '0oa123abc456xyz');
      assert.equal(sandbox.clientSecret.length, 64, 'the guide\'s "***" placeholder is replaced');
      const answer = await postForm(sandbox.tokenEndpoint, { grant_type: 'client_credentials', scope: 'finance.read', client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    } finally {
      await sandbox.close();
    }
  });
});

describe('claim expressions', () => {
  const app = { clientId: '0oaAGENT' } as AppRecord;
  const assertion = { act: { sub: '00uALICE', email: 'a@example.com', groups: ['x'] }, sub: '0oaAGENT', empty: null };

  it("reads the guide's clientAssertion.claims paths", () => {
    assert.deepEqual(evaluateExpression('clientAssertion.claims.act', { app, assertion }), assertion.act);
    assert.equal(evaluateExpression(' clientAssertion.claims.act.sub ', { app, assertion }), '00uALICE');
    assert.equal(evaluateExpression('clientAssertion.claims.missing', { app, assertion }), undefined);
    assert.equal(evaluateExpression('clientAssertion.claims.empty', { app, assertion }), undefined);
    assert.equal(evaluateExpression('clientAssertion.claims.act', { app, assertion: undefined }), undefined);
    assert.equal(evaluateExpression('clientAssertion.claims.toString', { app, assertion }), undefined);
  });

  it('reads string constants and app.clientId; anything else evaluates to nothing', () => {
    assert.equal(evaluateExpression('"finance"', { app, assertion }), 'finance');
    assert.equal(evaluateExpression("'it\\'s'", { app, assertion }), "it's");
    assert.equal(evaluateExpression('app.clientId', { app, assertion }), '0oaAGENT');
    for (const expression of ['user.email', '"unclosed', 'clientAssertion.claims', 'clientAssertion.claims.act + 1', '"a" "b"']) {
      assert.equal(evaluateExpression(expression, { app, assertion }), undefined, expression);
    }
  });
});

describe('search and filter expressions', () => {
  const attributes = ['id', 'status', 'profile.login'];
  const user = { id: '00u1', status: 'ACTIVE', 'profile.login': 'Alice@corp.example.com' } as Record<string, string>;
  const test = (text: string) => matchesFilter(parseFilter(text, attributes), (name) => user[name]);

  it('evaluates eq and sw, and/or with and binding tighter, and parentheses', () => {
    assert.equal(test('profile.login eq "alice@corp.example.com"'), true);
    assert.equal(test('profile.login sw "ali"'), true);
    assert.equal(test('status eq "SUSPENDED" or id eq "00u1" and status eq "ACTIVE"'), true);
    assert.equal(test('(status eq "SUSPENDED" or id eq "00u1") and status eq "STAGED"'), false);
    assert.equal(test('id EQ "00U1"'), true);
    assert.equal(test('profile.login eq "with \\"quote\\""'), false);
  });

  it('refuses what it cannot read, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['lastUpdated gt "2026"', /cannot search "lastUpdated"/],
      ['status ne "ACTIVE"', /operators eq and sw/],
      ['status eq ACTIVE', /quoted value/],
      ['status eq "ACTIVE" status eq "X"', /"and" or "or"/],
      ['(status eq "ACTIVE"', /not closed/],
      ['status eq "ACTIVE', /not closed/],
      ['status eq "A" & id eq "B"', /unexpected character/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseFilter(text, attributes), (error: Error) => error instanceof FilterError && message.test(error.message), text);
  });
});

describe('policy evaluation', () => {
  it('takes the first matching rule of the first assigned active policy, falling through', async () => {
    const org = await buildOrg(parseSeed(defaultSeed()), { now: () => NOW });
    const server = org.authServers.get('aus123abc456');
    assert.ok(server);
    const request = { clientId: '0oa123abc456xyz', grantType: 'client_credentials', scopes: ['finance.read'] };
    assert.equal(evaluatePolicies(server, request)?.rule.name, 'Allow Client Credentials with Act');
    assert.equal(evaluatePolicies(server, { ...request, clientId: '0oaOTHER' }), undefined);
    assert.equal(evaluatePolicies(server, { ...request, grantType: 'password' }), undefined);

    const [policy] = server.policies;
    assert.ok(policy?.rules[0]);
    policy.rules[0].scopes = ['finance.write'];
    assert.equal(evaluatePolicies(server, request), undefined);
    const fallback = org.addPolicy(server, { name: 'Everyone else', description: '', status: 'ACTIVE', priority: undefined, clients: ['ALL_CLIENTS'], system: false });
    org.addRule(fallback, {
      name: 'Read',
      status: 'ACTIVE',
      priority: undefined,
      grantTypes: ['client_credentials'],
      scopes: ['finance.read'],
      people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
      accessTokenLifetimeMinutes: 15,
      refreshTokenLifetimeMinutes: 0,
      refreshTokenWindowMinutes: 10080,
      inlineHookId: undefined,
      system: false,
    });
    assert.equal(evaluatePolicies(server, request)?.policy.name, 'Everyone else');
    fallback.status = 'INACTIVE';
    assert.equal(evaluatePolicies(server, request), undefined);
  });
});
