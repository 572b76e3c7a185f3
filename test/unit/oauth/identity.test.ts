/**
 * The human is approved by identity, never by alias. Okta's (and the sandbox's)
 * `GET /api/v1/users/{key}` resolves an id, a login, a login shortname: a token whose act.sub is
 * any of these but the id is denied, with a reason that says so, even when the user it resolves
 * to is in the approving group.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Human } from '../../../src/core';
import { type GroupDirectory, requestToken, verifyLive } from '../../../src/oauth';
import { oktaDirectory, type OrgApi, type User } from '../../../src/okta';
import { DEFAULT_IDS, type TestOrg, testOrg } from '../okta/sandbox-helpers';

const now = () => Math.floor(Date.now() / 1000);

describe('approving the human by identity', () => {
  let org: TestOrg;
  /** A user whose login's shortname has the shape of a user id, in FinanceUsers. */
  let impostor: { id: string; login: string };
  const lookups: string[] = [];

  before(async () => {
    org = await testOrg();
    const created = (await org.api('POST', '/api/v1/users?activate=true', {
      profile: { firstName: 'Mallory', lastName: 'Idshaped', email: '00uFinanceBoss12345678@corp.example.com', login: '00uFinanceBoss12345678@corp.example.com' },
    })) as { id: string };
    await org.api('PUT', `/api/v1/groups/${DEFAULT_IDS.financeGroupId}/users/${created.id}`);
    impostor = { id: created.id, login: '00uFinanceBoss12345678@corp.example.com' };
  });
  after(() => org.close());

  const directory = (): GroupDirectory => {
    const real = oktaDirectory(org.org);
    return (userId) => {
      lookups.push(userId);
      return real(userId);
    };
  };
  const verifyFor = async (human: Human) => {
    const token = await requestToken({
      tokenEndpoint: org.sandbox.tokenEndpoint,
      clientId: org.sandbox.clientId,
      credential: { kind: 'secret', secret: org.sandbox.clientSecret },
      scopes: ['finance.read'],
      human,
    });
    return verifyLive(token.accessToken, {
      issuer: org.sandbox.issuer,
      audience: DEFAULT_IDS.audience,
      requiredScopes: ['finance.read'],
      approvedAgents: [org.sandbox.clientId],
      human: { kind: 'group', group: 'FinanceUsers', directory: directory() },
      now: now(),
    });
  };

  it('the sandbox resolves ids, logins and unambiguous shortnames, as Okta does', async () => {
    const byShortname = (await org.api('GET', '/api/v1/users/alice')) as { id: string };
    assert.equal(byShortname.id, DEFAULT_IDS.alice);
    const byLogin = (await org.api('GET', '/api/v1/users/ALICE@corp.example.com')) as { id: string };
    assert.equal(byLogin.id, DEFAULT_IDS.alice);
    const byIdShapedShortname = (await org.api('GET', '/api/v1/users/00uFinanceBoss12345678')) as { id: string };
    assert.equal(byIdShapedShortname.id, impostor.id);
    assert.notEqual(impostor.id, '00uFinanceBoss12345678');
  });

  it('allows the group member named by id', async () => {
    const result = await verifyFor({ id: impostor.id });
    assert.equal(result.decision, 'ALLOW', JSON.stringify(result.findings));
  });

  it('denies an act.sub that has the shape of an id but is the shortname of a member\'s login', async () => {
    const result = await verifyFor({ id: '00uFinanceBoss12345678' });
    assert.equal(result.decision, 'DENY');
    const finding = result.findings.find((f) => f.code === 'AGBAC115');
    assert.match(finding?.message ?? '', new RegExp(`resolves it as the login or an alias of user ${impostor.id}; only a user whose id is act\\.sub can be approved`));
    assert.equal(result.checks.human, 'failed');
  });

  it('denies logins, shortnames, emails and me without asking the directory', async () => {
    lookups.length = 0;
    for (const alias of ['alice', 'alice@corp.example.com', 'me', impostor.login]) {
      const result = await verifyFor({ id: alias });
      assert.equal(result.decision, 'DENY', alias);
      assert.ok(result.findings.some((f) => f.code === 'AGBAC031' || f.code === 'AGBAC118'), `${alias}: ${JSON.stringify(result.findings.map((f) => f.code))}`);
      assert.deepEqual(result.audit.reasons.filter((reason) => reason.startsWith('AGBAC115')), []);
    }
    assert.deepEqual(lookups, [], 'only user ids are ever looked up');
  });

  it('denies a token whose human is the agent itself', async () => {
    const result = await verifyFor({ id: org.sandbox.clientId });
    assert.equal(result.decision, 'DENY');
    assert.ok(result.findings.some((f) => f.code === 'AGBAC119'), JSON.stringify(result.findings.map((f) => f.code)));
  });

  it('oktaDirectory reads no groups of a user that answers for another value than its id', async () => {
    const listed: string[] = [];
    const user: User = { id: '00uREALUSERID1234567', status: 'ACTIVE', profile: { login: 'real@corp.example.com' } };
    const fake = {
      getUser: () => Promise.resolve(user),
      listUserGroups: (id: string) => {
        listed.push(id);
        return Promise.resolve([{ id: '00g1', profile: { name: 'FinanceUsers' } }]);
      },
    } as unknown as OrgApi;
    assert.deepEqual(await oktaDirectory(fake)('00uALIASOFREAL12345'), { id: user.id, groups: [] });
    assert.deepEqual(listed, []);
    assert.deepEqual(await oktaDirectory(fake)(user.id), { id: user.id, groups: ['FinanceUsers'] });
  });
});
