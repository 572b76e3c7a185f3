/** The delegation policy: reading it (JSON and YAML, every problem at its place), the token shapes, and the decision it makes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  CLAIM_MAPPINGS,
  delegationOf,
  detectMapping,
  type JsonRecord,
  LineIndex,
  OKTA_MAPPING,
  OKTA_ON_BEHALF_OF_MAPPING,
  readDelegationPolicy,
  TOKEN_EXCHANGE_MAPPING,
  verifyAccessToken,
  type VerifyOptions,
} from '../../../src/core';
import { parsePolicyText } from '../../../src/core/policy-text';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID, without } from '../fixtures';

const OTHER_USER = '00u9z8y7x6w5v4u3t2s';
const LOGIN = 'alice@corp.example.com';

/** Okta's on-behalf-of token: the human signed in and the agent exchanged their token. */
function onBehalfOf(overrides: JsonRecord = {}): JsonRecord {
  return { ...without(goodToken(), 'act', 'delegation', 'agbac_ver'), uid: USER_ID, sub: LOGIN, auth_time: NOW - 600, ...overrides };
}

/** RFC 8693's token: the human in sub, the agent in act (and cid), scopes as a string. */
function rfc8693(overrides: JsonRecord = {}): JsonRecord {
  return { ...without(goodToken(), 'act', 'delegation', 'agbac_ver', 'scp'), uid: USER_ID, sub: USER_ID, scope: 'finance.read', auth_time: NOW - 600, act: { sub: CLIENT_ID }, ...overrides };
}

describe('reading a delegation policy', () => {
  const YAML = `# comment
version: 1
delegations:
  - description: finance
    agents: [${CLIENT_ID}]
    humans:
      ids: [${USER_ID}]
      groups: [FinanceUsers]
    scopes: [finance.read, finance.write]
explicitScopes: [finance.write]
maxDelegationAgeSeconds: 900
mapping: auto
`;

  it('reads YAML and the same document in JSON alike', () => {
    const fromYaml = parsePolicyText(YAML);
    assert.deepEqual(fromYaml.problems, []);
    const json = JSON.stringify({
      $schema: './delegation-policy.schema.json',
      version: 1,
      delegations: [{ description: 'finance', agents: [CLIENT_ID], humans: { ids: [USER_ID], groups: ['FinanceUsers'] }, scopes: ['finance.read', 'finance.write'] }],
      explicitScopes: ['finance.write'],
      maxDelegationAgeSeconds: 900,
      mapping: 'auto',
    }, null, 2);
    const fromJson = parsePolicyText(json);
    assert.deepEqual(fromJson.problems, []);
    assert.deepEqual(fromJson.policy, fromYaml.policy);
    assert.deepEqual(fromYaml.policy, {
      version: 1,
      delegations: [{ description: 'finance', agents: [CLIENT_ID], humans: { ids: [USER_ID], groups: ['FinanceUsers'] }, scopes: ['finance.read', 'finance.write'] }],
      explicitScopes: ['finance.write'],
      maxDelegationAgeSeconds: 900,
      mapping: 'auto',
    });
  });

  it('reads the example of examples/policies', () => {
    const text = readFileSync(join(__dirname, '../../../examples/policies/finance.agbac-policy.yaml'), 'utf8');
    const { policy, problems } = parsePolicyText(text);
    assert.deepEqual(problems, []);
    assert.deepEqual([policy?.delegations[0]?.humans.groups, policy?.explicitScopes, policy?.maxDelegationAgeSeconds], [['FinanceUsers'], ['finance.read'], 3600]);
  });

  it('names every problem with its path', () => {
    const { policy, problems } = readDelegationPolicy({
      version: 2,
      delegations: [{ agents: [], humans: { ids: ['alice@corp.example.com', ' 00u1 '], teams: ['x'] }, scopes: ['two words'] }, 'oops'],
      maxDelegationAgeSeconds: -5,
      mapping: 'keycloak',
      extra: true,
    });
    assert.equal(policy, undefined);
    assert.deepEqual(problems.map((problem) => [problem.path.join('.'), problem.message]), [
      ['extra', 'is not a member of a delegation policy here (expected version, delegations, explicitScopes, maxDelegationAgeSeconds, mapping)'],
      ['version', 'must be 1, it is 2'],
      ['delegations.0.agents', 'must not be empty (a list of client ids)'],
      ['delegations.0.humans.teams', 'is not a member of a delegation policy here (expected ids, groups)'],
      ['delegations.0.humans.ids.1', 'must be a non-empty string without surrounding spaces'],
      ['delegations.0.scopes.0', 'a scope name has no spaces'],
      ['delegations.1', 'must be an object with "agents" and "humans"'],
      ['maxDelegationAgeSeconds', 'must be a whole number of seconds from 1 to 31622400 (a year)'],
      ['mapping', `must be auto, ${Object.keys(CLAIM_MAPPINGS).join(', ')}`],
    ]);
  });

  it('refuses people named by email or login: approval is by id', () => {
    const { problems } = readDelegationPolicy({ version: 1, delegations: [{ agents: [CLIENT_ID], humans: { ids: ['alice@corp.example.com', 'alice'] } }] });
    assert.deepEqual(problems.map((problem) => problem.message), [
      '"alice@corp.example.com" is not an Okta user id (00u…): approve people by id, never by email or login (agbac whois finds the id)',
      '"alice" is not an Okta user id (00u…)',
    ]);
  });

  it('places each problem in the text, for YAML and JSON', () => {
    const yaml = `version: 1\ndelegations:\n  - agents: [${CLIENT_ID}]\n    humans:\n      ids: [bob@corp.example.com]\n`;
    const [problem] = parsePolicyText(yaml).problems;
    assert.ok(problem);
    const at = new LineIndex(yaml).positionAt(problem.offset);
    assert.deepEqual([at.line + 1, at.character + 1, yaml.slice(problem.offset, problem.offset + problem.length)], [5, 13, 'bob@corp.example.com']);

    const json = '{\n  "version": 1,\n  "delegations": [],\n  "mapping": "nope"\n}';
    const problems = parsePolicyText(json).problems;
    assert.deepEqual(problems.map((found) => json.slice(found.offset, found.offset + found.length)), ['[]', '"nope"']);
  });

  it('refuses duplicate keys, syntax errors, alias bombs and huge texts, never throwing', () => {
    assert.match(parsePolicyText('version: 1\nversion: 1\n').problems[0]?.message ?? '', /unique/i);
    assert.ok(parsePolicyText('{"version": 1,').problems.length > 0);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [*${String.fromCharCode(97 + index)}, *${String.fromCharCode(97 + index)}, *${String.fromCharCode(97 + index)}]`)].join('\n');
    const refused = parsePolicyText(bomb);
    assert.equal(refused.policy, undefined);
    assert.match(refused.problems[0]?.message ?? '', /alias/i);
    assert.match(parsePolicyText(' '.repeat(1024 * 1024 + 1)).problems[0]?.message ?? '', /larger than/);
    assert.equal(parsePolicyText('[]').policy, undefined);
    assert.equal(parsePolicyText('').policy, undefined);
  });
});

describe('token shapes', () => {
  it('tells the three shapes apart by claims the issuer sets', () => {
    assert.equal(detectMapping(goodToken()).mapping, OKTA_MAPPING);
    assert.equal(detectMapping(onBehalfOf()).mapping, OKTA_ON_BEHALF_OF_MAPPING);
    assert.equal(detectMapping(rfc8693()).mapping, TOKEN_EXCHANGE_MAPPING);
    assert.equal(detectMapping(without(goodToken(), 'act')).mapping, OKTA_MAPPING, "the agent's own token without a human is the guide's");
  });

  it('leaves what fits none to the caller', () => {
    assert.equal(detectMapping(without(goodToken(), 'cid')).mapping, undefined);
    assert.equal(detectMapping(goodToken({ sub: OTHER_USER })).mapping, undefined);
    assert.equal(detectMapping(onBehalfOf({ sub: CLIENT_ID, uid: undefined })).mapping, OKTA_MAPPING);
    assert.equal(detectMapping(onBehalfOf({ uid: undefined })).mapping, undefined);
  });

  it('reads the delegation of each shape: explicit only on the human\'s own sign-in', () => {
    assert.deepEqual(delegationOf(onBehalfOf(), OKTA_ON_BEHALF_OF_MAPPING), { type: 'explicit', evidence: 'sign-in', shape: 'okta-on-behalf-of', grantedAt: NOW - 600, chain: [CLIENT_ID] });
    assert.deepEqual(delegationOf(rfc8693({ act: { sub: CLIENT_ID, act: { sub: '0oaFIRSTAGENT000001' } } }), TOKEN_EXCHANGE_MAPPING), {
      type: 'explicit', evidence: 'sign-in', shape: 'token-exchange', grantedAt: NOW - 600, chain: [CLIENT_ID, '0oaFIRSTAGENT000001'],
    });
    assert.deepEqual(delegationOf(goodToken(), OKTA_MAPPING), { type: 'explicit', evidence: 'agent', shape: 'okta', grantedAt: NOW - 300, chain: [CLIENT_ID] });
    assert.deepEqual(delegationOf(without(goodToken(), 'delegation'), OKTA_MAPPING).type, 'unknown');
  });
});

describe('deciding with a policy', () => {
  let privateKey: CryptoKey;
  let jwks: { keys: JsonRecord[] };
  before(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
  });

  const policy = (extra: JsonRecord = {}, rule: JsonRecord = {}) => {
    const read = readDelegationPolicy({ version: 1, delegations: [{ agents: [CLIENT_ID], humans: { groups: ['FinanceUsers'] }, scopes: ['finance.read'], ...rule }], ...extra });
    assert.ok(read.policy, JSON.stringify(read.problems));
    return read.policy;
  };
  const verify = async (payload: JsonRecord, options: Partial<VerifyOptions> & { groups?: readonly string[] } = {}) => {
    const { groups, ...rest } = options;
    const token = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    return verifyAccessToken(token, {
      keys: jwks, now: NOW, correlationId: 'policy-test', issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'], detectMapping: true,
      policy: { policy: policy(), ...(groups ? { humanGroups: groups } : {}) },
      ...rest,
    });
  };

  it("ALLOWs an exchanged token when every §7.1 check passes, and names each", async () => {
    const result = await verify(onBehalfOf(), { groups: ['Everyone', 'FinanceUsers'], policy: { policy: policy({ explicitScopes: ['finance.read'], maxDelegationAgeSeconds: 3600 }), humanGroups: ['Everyone', 'FinanceUsers'] } });
    assert.equal(result.decision, 'ALLOW', JSON.stringify(result.findings));
    assert.deepEqual(result.policy?.checks.map((check) => [check.name, check.outcome]), [
      ['agent-permitted', 'passed'], ['human-permitted', 'passed'], ['delegation-valid', 'passed'], ['delegation-unexpired', 'passed'], ['delegation-appropriate', 'passed'],
    ]);
    assert.equal(result.policy?.checks[1]?.detail, `${USER_ID} is permitted by delegation 0 (by group)`);
    assert.deepEqual(result.checks, { signature: 'passed', issuer: 'passed', audience: 'passed', lifetime: 'passed', agent: 'passed', scopes: 'passed', human: 'passed', delegation: 'passed' });
    assert.deepEqual(result.audit.delegation, { type: 'explicit', evidence: 'sign-in', shape: 'okta-on-behalf-of', chain: [CLIENT_ID], granted_at: '2026-01-02T09:50:00Z', age_seconds: 600 });
    assert.deepEqual(result.audit.policy, { rule: 0, checks: { 'agent-permitted': 'passed', 'human-permitted': 'passed', 'delegation-valid': 'passed', 'delegation-unexpired': 'passed', 'delegation-appropriate': 'passed' } });
    assert.equal(result.mapping.name, 'okta-on-behalf-of');
  });

  it("reads RFC 8693's shape and checks the whole chain of agents", async () => {
    const result = await verify(rfc8693(), { groups: ['FinanceUsers'], policy: { policy: policy(), humanGroups: ['FinanceUsers'] } });
    assert.equal(result.decision, 'ALLOW', JSON.stringify(result.findings));
    assert.deepEqual([result.agent, result.human], [CLIENT_ID, USER_ID]);
  });

  it('DENYs each way §7.1 can fail, with the finding and the failed check', async () => {
    const cases: [string, JsonRecord, Partial<VerifyOptions>, string, string][] = [
      ['an agent the policy does not name', onBehalfOf({ cid: '0oaROGUEAGENT000001' }), {}, 'AGBAC140', 'agent-permitted'],
      ['a human outside the groups', onBehalfOf(), { policy: { policy: policy(), humanGroups: ['Everyone'] } }, 'AGBAC141', 'human-permitted'],
      ['groups without a directory', onBehalfOf(), { policy: { policy: policy() } }, 'AGBAC141', 'human-permitted'],
      ['an invalid human (an email in uid)', onBehalfOf({ uid: LOGIN }), { policy: { policy: policy({}, { humans: { ids: [USER_ID] } }) } }, 'AGBAC031', 'delegation-valid'],
      ['an expired token', onBehalfOf({ iat: NOW - 7200, exp: NOW - 3600 }), { policy: { policy: policy(), humanGroups: ['FinanceUsers'] } }, 'AGBAC105', 'delegation-unexpired'],
      ['a delegation older than the policy allows', onBehalfOf({ auth_time: NOW - 7200 }), { policy: { policy: policy({ maxDelegationAgeSeconds: 3600 }), humanGroups: ['FinanceUsers'] } }, 'AGBAC144', 'delegation-unexpired'],
      ['a scope beyond the delegation', onBehalfOf({ scp: ['finance.read', 'finance.write'] }), { requiredScopes: ['finance.write'], policy: { policy: policy(), humanGroups: ['FinanceUsers'] } }, 'AGBAC143', 'delegation-appropriate'],
      ["an explicit scope on the agent's word", goodToken(), { policy: { policy: policy({ explicitScopes: ['finance.read'] }), humanGroups: ['FinanceUsers'] } }, 'AGBAC142', 'delegation-appropriate'],
    ];
    for (const [what, payload, options, code, check] of cases) {
      const result = await verify(payload, options);
      assert.equal(result.decision, 'DENY', what);
      assert.ok(result.findings.some((finding) => finding.code === code), `${what}: ${result.findings.map((finding) => finding.code).join(', ')}`);
      assert.equal(result.policy?.checks.find((found) => found.name === check)?.outcome, 'failed', what);
      assert.ok(result.audit.reasons.some((reason) => reason.startsWith(code)), what);
    }
  });

  it("a person's own token is no agent's: the sign-in app is not a permitted agent", async () => {
    const result = await verify(onBehalfOf({ cid: '0oa7SignInAgbacDev01' }), { policy: { policy: policy(), humanGroups: ['FinanceUsers'] } });
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.audit.reasons, ['AGBAC140 policy-agent-not-permitted']);
  });

  it('without a policy an exchanged token still needs the human approved (AGBAC120), and is read by its shape only when asked', async () => {
    const detected = await verify(onBehalfOf(), { policy: undefined, approvedAgents: [CLIENT_ID] });
    assert.equal(detected.decision, 'DENY');
    assert.deepEqual(detected.audit.reasons, ['AGBAC120 human-unchecked']);
    const guide = await verify(onBehalfOf(), { policy: undefined, detectMapping: false, humanApproval: { kind: 'allow-list', ids: [USER_ID] } });
    assert.ok(guide.findings.some((finding) => finding.code === 'AGBAC113'), "read as the guide's token it has no act");
  });

  it('an ambiguous token is read as given, with a warning', async () => {
    const result = await verify(goodToken({ sub: OTHER_USER }), { policy: undefined, humanApproval: { kind: 'allow-list', ids: [USER_ID] } });
    const warning = result.findings.find((finding) => finding.code === 'AGBAC146');
    assert.equal(warning?.severity, 'warning');
    assert.match(warning?.message ?? '', /it has act, but neither sub nor act\.sub is cid\); it is read as okta/);
  });
});
