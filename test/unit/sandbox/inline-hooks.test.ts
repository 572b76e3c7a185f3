/** The sandbox's token inline hooks: the Management API in Okta's shapes, and the call at issuance with Okta's failure semantics. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonRecord } from '../../../src/core';
import { DEFAULT_IDS, defaultSeed, parseSeed, type Sandbox } from '../../../src/sandbox';
import { applyCommands } from '../../../src/sandbox/token-hook';
import { addClaim, type FakeHook, fakeHook } from './hook-server';
import { api, decodeParts, signedAssertion, start } from './helpers';

const HOOK_SECRET = 'okta-to-hook-shared-secret-0123';
const RULE_PATH = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.ruleId}`;

function hookBody(uri: string, overrides: JsonRecord = {}): JsonRecord {
  return {
    name: 'AGBAC act hook',
    type: 'com.okta.oauth2.tokens.transform',
    version: '1.0.0',
    channel: { type: 'HTTP', version: '1.0.0', config: { uri, headers: [{ key: 'X-Other-Header', value: 'some-other-value' }], authScheme: { type: 'HEADER', key: 'Authorization', value: HOOK_SECRET } } },
    ...overrides,
  };
}

/** Registers a hook and attaches it to the guide's rule, as an admin script for Okta would. */
async function attach(sandbox: Sandbox, uri: string): Promise<string> {
  const created = await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(uri));
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = String(created.body.id);
  const rule = (await api(sandbox, 'GET', RULE_PATH)).body;
  const actions = rule.actions as { token: JsonRecord };
  const updated = await api(sandbox, 'PUT', RULE_PATH, { ...rule, actions: { token: { ...actions.token, inlineHook: { id } } } });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  return id;
}

async function token(sandbox: Sandbox, query = '') {
  const answer = await fetch(`${sandbox.tokenEndpoint}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'finance.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await signedAssertion(sandbox),
    }).toString(),
  });
  const body = (await answer.json()) as JsonRecord;
  return { status: answer.status, body, claims: typeof body.access_token === 'string' ? decodeParts(body.access_token).payload : undefined };
}

describe('the inline hooks Management API', () => {
  let sandbox: Sandbox;
  let hook: FakeHook;
  before(async () => {
    sandbox = await start();
    hook = await fakeHook();
  });
  after(async () => {
    await sandbox.close();
    await hook.close();
  });

  it('registers a hook ACTIVE in Okta\'s shape, never showing the secret; lists, filters by type, gets', async () => {
    const created = await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(hook.url, { name: 'Shape check' }));
    assert.equal(created.status, 200);
    const id = String(created.body.id);
    assert.match(id, /^cal[A-Za-z0-9]{17}$/);
    assert.equal(created.body.status, 'ACTIVE');
    assert.deepEqual(created.body.channel, {
      type: 'HTTP',
      version: '1.0.0',
      config: { uri: hook.url, headers: [{ key: 'X-Other-Header', value: 'some-other-value' }], method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization' } },
    });
    assert.ok(!JSON.stringify(created.body).includes(HOOK_SECRET));
    assert.deepEqual((await api(sandbox, 'GET', `/api/v1/inlineHooks/${id}`)).body, created.body);
    const listed = await api(sandbox, 'GET', '/api/v1/inlineHooks?type=com.okta.oauth2.tokens.transform');
    assert.ok((listed.body as unknown as JsonRecord[]).some((item) => item.id === id));
    assert.deepEqual((await api(sandbox, 'GET', '/api/v1/inlineHooks?type=com.okta.import.transform')).body, []);
    assert.equal((await api(sandbox, 'GET', '/api/v1/inlineHooks?type=nonsense')).status, 400);
    const missing = await api(sandbox, 'GET', '/api/v1/inlineHooks/calnothere');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errorSummary, 'Not found: Resource not found: calnothere (InlineHook)');
  });

  it('refuses what Okta refuses: a URI that is not https (off loopback), a duplicate name, a missing secret; OAUTH channels are not emulated', async () => {
    const problems = async (body: JsonRecord) => {
      const answer = await api(sandbox, 'POST', '/api/v1/inlineHooks', body);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errorCode, 'E0000001');
      return JSON.stringify(answer.body.errorCauses);
    };
    assert.match(await problems(hookBody('http://hook.example.com/token', { name: 'plain http' })), /must begin with https/);
    assert.match(await problems(hookBody(hook.url, { name: 'no secret', channel: { type: 'HTTP', version: '1.0.0', config: { uri: hook.url, authScheme: { type: 'HEADER', key: 'Authorization' } } } })), /authScheme\.value/);
    assert.match(await problems(hookBody(hook.url, { name: 'oauth', channel: { type: 'OAUTH', version: '1.0.0', config: { uri: hook.url } } })), /not OAUTH/);
    assert.match(await problems(hookBody(hook.url, { type: 'com.okta.nonsense' })), /type/);
    await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(hook.url, { name: 'twice' }));
    assert.match(await problems(hookBody(hook.url, { name: 'twice' })), /already exists/);
  });

  it('replaces a hook keeping its secret, deactivates and activates it, and deletes it only when INACTIVE and unused', async () => {
    const id = String((await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(hook.url, { name: 'Lifecycle' }))).body.id);
    const current = (await api(sandbox, 'GET', `/api/v1/inlineHooks/${id}`)).body;
    const replaced = await api(sandbox, 'PUT', `/api/v1/inlineHooks/${id}`, { ...current, name: 'Lifecycle renamed' });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.name, 'Lifecycle renamed');
    hook.calls.length = 0;
    hook.answer = () => ({ body: { commands: [] } });
    assert.equal((await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/execute`, { eventType: 'com.okta.oauth2.tokens.transform' })).status, 200);
    assert.equal(hook.calls[0]?.headers.authorization, HOOK_SECRET, 'the secret survived the replace');

    assert.equal((await api(sandbox, 'DELETE', `/api/v1/inlineHooks/${id}`)).status, 400, 'ACTIVE');
    const deactivated = await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/lifecycle/deactivate`);
    assert.equal(deactivated.body.status, 'INACTIVE');
    assert.equal((await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/execute`, {})).status, 400, 'an INACTIVE hook does not execute');
    assert.equal((await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/lifecycle/activate`)).body.status, 'ACTIVE');
    await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/lifecycle/deactivate`);
    assert.equal((await api(sandbox, 'DELETE', `/api/v1/inlineHooks/${id}`)).status, 204);
    assert.equal((await api(sandbox, 'GET', `/api/v1/inlineHooks/${id}`)).status, 404);
  });

  it("execute sends the body with the hook's headers and returns its answer; a failing hook is tried twice, then 400", async () => {
    const id = String((await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(hook.url, { name: 'Execute' }))).body.id);
    hook.calls.length = 0;
    hook.answer = () => addClaim('probe', 'yes');
    const answered = await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/execute`, { eventType: 'com.okta.oauth2.tokens.transform', data: { x: 1 } });
    assert.equal(answered.status, 200);
    assert.deepEqual(answered.body, addClaim('probe', 'yes').body);
    assert.deepEqual(hook.calls[0]?.body, { eventType: 'com.okta.oauth2.tokens.transform', data: { x: 1 } });
    assert.equal(hook.calls[0]?.headers['x-other-header'], 'some-other-value');
    assert.equal(hook.calls[0]?.headers['content-type'], 'application/json');

    hook.calls.length = 0;
    hook.answer = () => ({ status: 500, body: { oops: true } });
    const failed = await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/execute`, {});
    assert.equal(failed.status, 400);
    assert.match(JSON.stringify(failed.body.errorCauses), /HTTP 500/);
    assert.equal(hook.calls.length, 2);
  });

  it('a rule names a hook with actions.token.inlineHook.id; an unknown or non-token hook is refused', async () => {
    const id = await attach(sandbox, hook.url);
    const rule = (await api(sandbox, 'GET', RULE_PATH)).body;
    assert.deepEqual((rule.actions as { token: JsonRecord }).token.inlineHook, { id });
    const refused = await api(sandbox, 'PUT', RULE_PATH, { ...rule, actions: { token: { accessTokenLifetimeMinutes: 60, inlineHook: { id: 'calnothere' } } } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errorSummary, 'Api validation failed: actions.token.inlineHook.id');
    const other = String((await api(sandbox, 'POST', '/api/v1/inlineHooks', hookBody(hook.url, { name: 'import', type: 'com.okta.import.transform' }))).body.id);
    assert.equal((await api(sandbox, 'PUT', RULE_PATH, { ...rule, actions: { token: { inlineHook: { id: other } } } })).status, 400);
    // In use: cannot be deleted.
    await api(sandbox, 'POST', `/api/v1/inlineHooks/${id}/lifecycle/deactivate`);
    assert.match(JSON.stringify((await api(sandbox, 'DELETE', `/api/v1/inlineHooks/${id}`)).body), /used by AGBAC-AS\/AGBAC-Policy\/Allow Client Credentials with Act/);
  });
});

describe('a token inline hook at issuance', () => {
  let sandbox: Sandbox;
  let hook: FakeHook;
  const logs: string[] = [];
  before(async () => {
    hook = await fakeHook();
    sandbox = await start({ seed: defaultSeed({ actVia: 'both', hook: { uri: hook.url, secret: HOOK_SECRET } }), hookTimeoutMs: 300, log: (line) => logs.push(line) });
  });
  after(async () => {
    await sandbox.close();
    await hook.close();
  });

  it("is called with Okta's request shape, the whole token URL, and the authorization header", async () => {
    hook.calls.length = 0;
    hook.answer = () => addClaim('hooked', true);
    const issued = await token(sandbox, '?act_assertion=abc.def.ghi');
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(issued.claims?.hooked, true);
    const [call] = hook.calls;
    assert.equal(call?.headers.authorization, HOOK_SECRET);
    const body = call?.body as { eventType: string; eventTypeVersion: string; cloudEventVersion: string; source: string; data: { context: JsonRecord; access: JsonRecord } };
    assert.equal(body.eventType, 'com.okta.oauth2.tokens.transform');
    assert.equal(body.eventTypeVersion, '1.0');
    assert.equal(body.cloudEventVersion, '0.1');
    assert.equal(body.source, sandbox.tokenEndpoint);
    const context = body.data.context as { request: { method: string; url: { value: string } }; protocol: JsonRecord; policy: JsonRecord };
    assert.equal(context.request.method, 'POST');
    assert.equal(context.request.url.value, `${sandbox.tokenEndpoint}?act_assertion=abc.def.ghi`);
    assert.deepEqual(context.protocol, {
      type: 'OAUTH2.0',
      request: { client_id: sandbox.clientId, grant_type: 'client_credentials', scope: 'finance.read' },
      issuer: { uri: sandbox.issuer },
      client: { id: sandbox.clientId, name: 'Finance Agent', type: 'CONFIDENTIAL' },
    });
    assert.deepEqual(context.policy, { id: DEFAULT_IDS.policyId, rule: { id: DEFAULT_IDS.ruleId } });
    const claims = body.data.access.claims as JsonRecord;
    assert.equal(claims.sub, sandbox.clientId);
    assert.deepEqual(claims.act, { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' }, 'the guide\'s expression ran first');
    assert.deepEqual(body.data.access.token, { lifetime: { expiration: 3600 } });
    assert.deepEqual(body.data.access.scopes, { 'finance.read': { id: 'scp123abc456read', action: 'GRANT' } });
  });

  it('applies add, replace and remove, and a new lifetime', async () => {
    hook.answer = () => ({
      body: {
        commands: [{
          type: 'com.okta.access.patch',
          value: [
            { op: 'replace', path: '/claims/act', value: { sub: DEFAULT_IDS.bob } },
            { op: 'add', path: '/claims/act/email', value: 'bob@corp.example.com' },
            { op: 'add', path: '/claims/tags', value: ['a'] },
            { op: 'add', path: '/claims/tags/-', value: 'b' },
            { op: 'replace', path: '/claims/aud', value: 'https://api.example.com/other' },
            { op: 'replace', path: '/token/lifetime/expiration', value: 600 },
          ],
        }, { type: 'com.okta.access.patch', value: [{ op: 'remove', path: '/claims/tags/0' }] }],
      },
    });
    const issued = await token(sandbox);
    assert.deepEqual(issued.claims?.act, { sub: DEFAULT_IDS.bob, email: 'bob@corp.example.com' });
    assert.deepEqual(issued.claims?.tags, ['b']);
    assert.equal(issued.claims?.aud, 'https://api.example.com/other');
    assert.equal(issued.body.expires_in, 600);
    assert.equal(Number(issued.claims?.exp) - Number(issued.claims?.iat), 600);
  });

  it('an error answer stops issuance: 400 server_error with the summary, or Okta\'s default text', async () => {
    hook.answer = () => ({ body: { error: { errorSummary: 'The act assertion has already been used.' } } });
    const refused = await token(sandbox);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 'server_error', error_description: 'The act assertion has already been used.' });
    hook.answer = () => ({ body: { error: {} } });
    assert.deepEqual((await token(sandbox)).body, { error: 'server_error', error_description: 'The callback service returned an error' });
    hook.answer = () => ({ body: { error: { errorSummary: 'no' }, commands: [addClaim('x', 1).body] } });
    assert.equal((await token(sandbox)).status, 400, 'error wins over commands');
  });

  it('fails open: a hook that answers 500, too slowly, not JSON, or with a patch that cannot be applied leaves the token as built', async () => {
    const cases: [string, () => { status?: number; body?: unknown; delayMs?: number }][] = [
      ['HTTP 500', () => ({ status: 500, body: { error: { errorSummary: 'ignored: not a 200' } } })],
      ['HTTP 204', () => ({ status: 204, body: '' })],
      ['slow', () => ({ delayMs: 600, body: addClaim('late', true).body })],
      ['not JSON', () => ({ body: '<html>' })],
      ['reserved claim', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/hooked', value: 1 }, { op: 'replace', path: '/claims/cid', value: 'x' }] }] } })],
      ['remove sub', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'remove', path: '/claims/sub' }] }] } })],
      ['replace a missing claim', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'replace', path: '/claims/nothere', value: 1 }] }] } })],
      ['an ID token patch', () => ({ body: { commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/x', value: 1 }] }] } })],
      ['a bad op', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'move', path: '/claims/x', value: 1 }] }] } })],
      ['lifetime out of range', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'replace', path: '/token/lifetime/expiration', value: 60 }] }] } })],
    ];
    for (const [name, answer] of cases) {
      hook.answer = answer;
      logs.length = 0;
      const issued = await token(sandbox);
      assert.equal(issued.status, 200, name);
      assert.equal(issued.claims?.hooked, undefined, name);
      assert.equal(issued.claims?.late, undefined, name);
      assert.equal(issued.claims?.cid, sandbox.clientId, name);
      assert.equal(issued.body.expires_in, 3600, name);
      assert.deepEqual(issued.claims?.act, { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' }, name);
      assert.ok(logs.some((line) => /^inline hook cal123abc456hook: skipped, token issued unmodified: /.test(line)), `${name}: ${logs.join(' | ')}`);
    }
  });

  it('fails open when the hook cannot be reached, and does not call an INACTIVE hook', async () => {
    const down = await start({ seed: defaultSeed({ actVia: 'hook', hook: { uri: 'http://127.0.0.1:9/nothing', secret: HOOK_SECRET } }), hookTimeoutMs: 300 });
    try {
      const issued = await token(down);
      assert.equal(issued.status, 200);
      assert.equal(issued.claims?.act, undefined, 'hook only: no act without the hook');
    } finally {
      await down.close();
    }
    await api(sandbox, 'POST', `/api/v1/inlineHooks/${DEFAULT_IDS.hookId}/lifecycle/deactivate`);
    hook.calls.length = 0;
    hook.answer = () => ({ body: { error: { errorSummary: 'would refuse' } } });
    assert.equal((await token(sandbox)).status, 200);
    assert.equal(hook.calls.length, 0);
    await api(sandbox, 'POST', `/api/v1/inlineHooks/${DEFAULT_IDS.hookId}/lifecycle/activate`);
  });
});

describe("the hook's real 3-second timeout", () => {
  it('skips a hook that takes longer than 3 s, and waits for one that answers within it', async () => {
    const hook = await fakeHook();
    const sandbox = await start({ seed: defaultSeed({ actVia: 'hook', hook: { uri: hook.url, secret: HOOK_SECRET } }) });
    try {
      hook.answer = () => ({ delayMs: 2_500, body: addClaim('act', { sub: DEFAULT_IDS.alice }).body });
      assert.deepEqual((await token(sandbox)).claims?.act, { sub: DEFAULT_IDS.alice });
      hook.answer = () => ({ delayMs: 3_300, body: addClaim('act', { sub: DEFAULT_IDS.alice }).body });
      const started = Date.now();
      const late = await token(sandbox);
      const elapsed = Date.now() - started;
      assert.equal(late.status, 200);
      assert.equal(late.claims?.act, undefined);
      assert.ok(elapsed >= 2_900 && elapsed < 3_300, `waited ${elapsed} ms`);
    } finally {
      await sandbox.close();
      await hook.close();
    }
  });
});

describe('seeds with hooks', () => {
  it('choose the expression, the hook or both', () => {
    const hook = { uri: 'https://hook.example.com/', secret: HOOK_SECRET };
    const ruleOf = (seed: Record<string, unknown>) => parseSeed(seed).servers[0]?.policies[0]?.rules[0]?.fields;
    const claimsOf = (seed: Record<string, unknown>) => parseSeed(seed).servers[0]?.claims.map((claim) => claim.fields.name);
    assert.equal(ruleOf(defaultSeed())?.inlineHookId, undefined);
    assert.deepEqual(claimsOf(defaultSeed()), ['act']);
    assert.equal(ruleOf(defaultSeed({ actVia: 'hook', hook }))?.inlineHookId, DEFAULT_IDS.hookId);
    assert.deepEqual(claimsOf(defaultSeed({ actVia: 'hook', hook })), []);
    assert.deepEqual(claimsOf(defaultSeed({ actVia: 'both', hook })), ['act']);
    assert.equal(parseSeed(defaultSeed({ actVia: 'both', hook })).inlineHooks.length, 1);
  });

  it('name every problem: a rule naming an unknown hook, a hook without a secret', () => {
    const seed = defaultSeed({ actVia: 'hook', hook: { uri: 'https://hook.example.com/', secret: HOOK_SECRET } });
    const hooks = seed.inlineHooks as { channel: { config: { authScheme: JsonRecord } } }[];
    delete hooks[0]?.channel.config.authScheme.value;
    const servers = seed.authorizationServers as { policies: { rules: { actions: { token: JsonRecord } }[] }[] }[];
    const rule = servers[0]?.policies[0]?.rules[0];
    if (rule) rule.actions.token.inlineHook = { id: 'calnothere' };
    assert.throws(() => parseSeed(seed), (error: { problems: string[] }) => {
      assert.ok(error.problems.some((problem) => problem.includes('inlineHooks[0].channel.config.authScheme.value')), error.problems.join('; '));
      assert.ok(error.problems.some((problem) => /rules\[0\]\.actions\.token\.inlineHook\.id: "calnothere" is not the id of a seeded token inline hook/.test(problem)), error.problems.join('; '));
      return true;
    });
  });
});

describe('applyCommands', () => {
  const claims = (): JsonRecord => ({ ver: 1, sub: '0oa1', aud: 'api', scp: ['a'], profile: { name: 'x', list: [1, 2] } });

  it('patches members inside claims and array elements, by JSON Pointer', () => {
    const result = applyCommands(
      [{ type: 'com.okta.access.patch', value: [
        { op: 'add', path: '/claims/profile/dept', value: 'finance' },
        { op: 'add', path: '/claims/profile/list/1', value: 9 },
        { op: 'replace', path: '/claims/profile/name', value: 'y' },
        { op: 'add', path: '/claims/a~1b', value: 'slash' },
        { op: 'add', path: '/claims/sub', value: 'replaced' },
      ] }],
      claims(),
      3600,
    );
    assert.deepEqual(result, { claims: { ver: 1, sub: 'replaced', aud: 'api', scp: ['a'], profile: { name: 'y', list: [1, 9, 2], dept: 'finance' }, 'a/b': 'slash' }, lifetime: 3600 });
  });

  it('fails the whole patch on anything it cannot apply, leaving the claims untouched', () => {
    const failures: unknown[] = [
      [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/__proto__', value: { polluted: true } }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/missing/member', value: 1 }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/profile/list/5', value: 1 }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'remove', path: '/claims/profile', value: 'x' }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/x' }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: 'claims/x', value: 1 }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'replace', path: '/claims/ver', value: 2 }] }],
      [{ type: 'com.okta.access.patch', value: [{ op: 'remove', path: '/claims/aud' }] }],
      [{ type: 'com.okta.access.patch', value: 'nope' }],
      'nope',
    ];
    for (const commands of failures) {
      const original = claims();
      const result = applyCommands(commands, original, 3600);
      assert.ok('failure' in result, JSON.stringify(commands));
      assert.deepEqual(original, claims());
    }
    assert.equal(({} as JsonRecord).polluted, undefined);
  });

  it('leaves the token as it is when there are no commands', () => {
    assert.deepEqual(applyCommands(undefined, claims(), 3600), { claims: claims(), lifetime: 3600 });
    assert.deepEqual(applyCommands([], claims(), 3600), { claims: claims(), lifetime: 3600 });
  });
});
