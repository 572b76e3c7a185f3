/** The SDK is configured explicitly: an okta.yaml in the working folder or home, and OKTA_CLIENT_* variables, change nothing. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectOrg, findUsers, ManagementError } from '../../../src/okta';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../../src/sandbox';

describe('connectOrg', () => {
  let sandbox: Sandbox;
  const saved = { cwd: process.cwd(), home: process.env.HOME, token: process.env.OKTA_CLIENT_TOKEN, org: process.env.OKTA_CLIENT_ORGURL, mode: process.env.OKTA_CLIENT_AUTHORIZATIONMODE };

  before(async () => {
    sandbox = await startSandbox();
    // A decoy configuration everywhere the SDK would look for one.
    const decoy = mkdtempSync(join(tmpdir(), 'agbac-okta-yaml-'));
    const yaml = 'okta:\n  client:\n    orgUrl: "http://127.0.0.1:9"\n    token: "decoy-token"\n    authorizationMode: "PrivateKey"\n    clientId: "0oaDECOY"\n    keyId: "decoy-kid"\n';
    writeFileSync(join(decoy, 'okta.yaml'), yaml);
    mkdirSync(join(decoy, '.okta'));
    writeFileSync(join(decoy, '.okta', 'okta.yaml'), yaml);
    process.chdir(decoy);
    process.env.HOME = decoy;
    process.env.OKTA_CLIENT_TOKEN = 'decoy-token';
    process.env.OKTA_CLIENT_ORGURL = 'http://127.0.0.1:9';
    process.env.OKTA_CLIENT_AUTHORIZATIONMODE = 'PrivateKey';
  });
  after(async () => {
    process.chdir(saved.cwd);
    for (const [name, value] of [['HOME', saved.home], ['OKTA_CLIENT_TOKEN', saved.token], ['OKTA_CLIENT_ORGURL', saved.org], ['OKTA_CLIENT_AUTHORIZATIONMODE', saved.mode]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sandbox.close();
  });

  it('uses only what it is given, whatever okta.yaml and OKTA_CLIENT_* say', async () => {
    const org = await connectOrg({ orgUrl: sandbox.orgUrl, credential: { kind: 'api-token', token: sandbox.apiToken } });
    assert.equal((await findUsers(org, 'alice@corp.example.com'))[0]?.id, DEFAULT_IDS.alice);
    assert.equal(process.env.OKTA_CLIENT_TOKEN, 'decoy-token', 'the caller\'s environment is left as it was');
  });

  it('reads fresh data every time (no response cache)', async () => {
    const org = await connectOrg({ orgUrl: sandbox.orgUrl, credential: { kind: 'api-token', token: sandbox.apiToken } });
    assert.equal((await org.listUserGroups(DEFAULT_IDS.bob)).some((group) => group.profile.name === 'FinanceUsers'), false);
    await fetch(`${sandbox.orgUrl}/api/v1/groups/${DEFAULT_IDS.financeGroupId}/users/${DEFAULT_IDS.bob}`, { method: 'PUT', headers: { authorization: `SSWS ${sandbox.apiToken}` } });
    assert.equal((await org.listUserGroups(DEFAULT_IDS.bob)).some((group) => group.profile.name === 'FinanceUsers'), true);
  });

  it('names the cause of a refused API token', async () => {
    const org = await connectOrg({ orgUrl: sandbox.orgUrl, credential: { kind: 'api-token', token: 'wrong' } });
    await assert.rejects(org.getUser('alice@corp.example.com'), (error: unknown) => error instanceof ManagementError && error.errorCode === 'E0000011' && /API token is invalid/.test(error.message));
  });
});
