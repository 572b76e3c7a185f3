/** The hook's handler on its own (Request → Response), fed Okta's documented request shape. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type JsonRecord } from '../../../src/core';
import { createHookApp, type HookAuditEvent, type HookConfig, MemoryReplayStore } from '../../../src/hook';
import { DEFAULT_IDS } from '../../../src/sandbox';
import { actAssertion, CAROL, CLIENT_SECRET, FakeOrg, HOOK_SECRET, HOOK_URL, KEY_AGENT, NOW, oktaRequest, TOKEN_URL, urlWith } from './helpers';

interface Harness {
  readonly org: FakeOrg;
  readonly events: HookAuditEvent[];
  call(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: JsonRecord }>;
  /** Sends an act assertion in Okta's request and returns the answer's body. */
  send(assertion: string, clientId?: string): Promise<JsonRecord>;
  /** Moves the hook's clock on. */
  advance(seconds: number): void;
}

function harness(overrides: Partial<HookConfig> = {}): Harness {
  const org = new FakeOrg();
  const events: HookAuditEvent[] = [];
  let clock = NOW;
  const app = createHookApp({
    hookUrl: HOOK_URL,
    authentication: [{ kind: 'header', secret: HOOK_SECRET }],
    org: org.api(),
    clientSecret: CLIENT_SECRET,
    now: () => clock,
    audit: (event) => events.push(event),
    ...overrides,
  });
  clock = NOW;
  const call = async (body: unknown, headers: Record<string, string> = { authorization: HOOK_SECRET }) => {
    const response = await app.fetch(new Request(HOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }));
    return { status: response.status, body: (await response.json()) as JsonRecord };
  };
  return {
    org,
    events,
    call,
    advance(seconds) {
      clock += seconds;
    },
    async send(assertion, clientId) {
      const answer = await call(oktaRequest(urlWith(assertion), clientId));
      assert.equal(answer.status, 200);
      return answer.body;
    },
  };
}

/** The act an answer adds, or the summary of its error. */
function actOf(body: JsonRecord): unknown {
  const commands = body.commands as { type: string; value: { op: string; path: string; value: unknown }[] }[] | undefined;
  assert.ok(commands, `expected commands, got ${JSON.stringify(body)}`);
  assert.equal(commands.length, 1);
  assert.equal(commands[0]?.type, 'com.okta.access.patch');
  return commands[0]?.value.find((operation) => operation.op === 'add' && operation.path === '/claims/act')?.value;
}

function summaryOf(body: JsonRecord): string {
  assert.equal(body.commands, undefined, 'a refusal carries no commands');
  const error = body.error as { errorSummary?: unknown } | undefined;
  assert.equal(typeof error?.errorSummary, 'string', JSON.stringify(body));
  return String(error?.errorSummary);
}

describe('the token inline hook handler', () => {
  it("adds act for Alice to Okta's documented request shape, with her email and name from the org", async () => {
    const hook = harness();
    const body = await hook.send(await actAssertion());
    assert.deepEqual(body, {
      commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/act', value: { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' } }] }],
    });
    assert.equal(hook.events.length, 1);
    const [event] = hook.events;
    assert.equal(event?.decision, 'PATCH');
    assert.equal(event?.agent_id, DEFAULT_IDS.clientId);
    assert.equal(event?.human_id, DEFAULT_IDS.alice);
    assert.equal(event?.correlation_id, '3OWo4oo-QQ-rBWfRyTmQYw');
    assert.equal(event?.rule_id, DEFAULT_IDS.ruleId);
  });

  it('reads the assertion from the documented sample as Okta sends it for an authorize request too (user, session, identity present)', async () => {
    const hook = harness();
    const request = oktaRequest(urlWith(await actAssertion()));
    const data = request.data as JsonRecord;
    const context = data.context as JsonRecord;
    context.session = { id: '102Qoe7t5PcRnSxr8j3I8I6pA', userId: '00uq8tMo3zV0OfJON0g3', status: 'ACTIVE', amr: ['PASSWORD'] };
    context.user = { id: '00uq8tMo3zV0OfJON0g3', profile: { login: 'administrator1@clouditude.net' } };
    data.identity = { claims: { sub: '00uq8tMo3zV0OfJON0g3', ver: 1 }, token: { lifetime: { expiration: 3600 } } };
    const answer = await hook.call(request);
    assert.equal((actOf(answer.body) as JsonRecord).sub, DEFAULT_IDS.alice);
  });

  it("refuses a caller without Okta's secret: 401, no commands, an audit event without the header", async () => {
    const hook = harness();
    const assertion = await actAssertion();
    for (const headers of [{}, { authorization: 'wrong-secret-0123456789' }, { authorization: HOOK_SECRET.slice(1) }, { authorization: `Bearer ${HOOK_SECRET}` }] as Record<string, string>[]) {
      const answer = await hook.call(oktaRequest(urlWith(assertion)), headers);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.commands, undefined);
    }
    assert.ok(hook.events.every((event) => event.decision === 'UNAUTHENTICATED'));
    assert.ok(!JSON.stringify(hook.events).includes(HOOK_SECRET.slice(0, 10)));
    // The assertion was never looked at, so it is still good.
    assert.ok(actOf(await hook.send(assertion)));
  });

  it('accepts the secret under another header name when the hook is registered with one', async () => {
    const hook = harness({ authentication: [{ kind: 'header', header: 'X-Okta-Hook-Key', secret: HOOK_SECRET }] });
    const body = oktaRequest(urlWith(await actAssertion()));
    assert.equal((await hook.call(body, { authorization: HOOK_SECRET })).status, 401);
    assert.equal((await hook.call(body, { 'x-okta-hook-key': HOOK_SECRET })).status, 200);
  });

  it('refuses, with a summary that stops issuance, when there is no act assertion', async () => {
    const hook = harness();
    const answer = await hook.call(oktaRequest(TOKEN_URL));
    assert.equal(summaryOf(answer.body), 'The token request carries no act assertion (query parameter act_assertion), so the hook cannot vouch for a human.');
    assert.equal(hook.events[0]?.reason, 'missing-assertion');
  });

  it('refuses a forged, expired, over-long, mis-addressed or foreign act assertion, each with its own summary', async () => {
    const hook = harness();
    const cases: [string, Promise<string>, RegExp][] = [
      ['forged', actAssertion({}, { kind: 'secret', secret: 'another-secret-of-the-right-length-0123456789abcdef' }), /^The act assertion's signature does not verify with the agent's credential\.$/],
      ['expired', actAssertion({ iat: NOW - 400, exp: NOW - 100 }), /^The act assertion has expired; sign a new one for every token request\.$/],
      ['too-long', actAssertion({ exp: NOW + 3600 }), /^The act assertion lives longer than 300 seconds/],
      ['wrong-audience', actAssertion({ aud: TOKEN_URL }), /^The act assertion's aud must be this hook's URL \(https:\/\/hook\.example\.com\/okta\/token-hook\)\.$/],
      ['wrong-client', actAssertion({ iss: '0oaSOMEONEELSE000000', sub: '0oaSOMEONEELSE000000' }), /must both be the client Okta authenticated \(0oa123abc456xyz\)/],
      ['no-human', actAssertion({ act: { sub: 'alice@corp.example.com' } }), /act\.sub must be the human's Okta user id/],
      ['no-jti', actAssertion({ jti: undefined }), /has no jti/],
      ['not-yet-valid', actAssertion({ iat: NOW + 120, exp: NOW + 180 }), /not valid yet/],
      ['malformed-assertion', Promise.resolve('not.a.jwt'), /^The act assertion is not a readable JWT\.$/],
      ['forged', actAssertion({}, { kind: 'secret', secret: CLIENT_SECRET }).then((jwt) => `${jwt.split('.').slice(0, 2).join('.')}.`), /does not verify|not a readable JWT/],
    ];
    for (const [reason, pending, summary] of cases) {
      const body = await hook.send(await pending);
      assert.match(summaryOf(body), summary, reason);
      assert.equal(hook.events.at(-1)?.reason, reason);
      assert.equal(hook.events.at(-1)?.human_id, null, 'an unverified human is not recorded');
    }
  });

  it('refuses alg none and algorithms Okta does not accept', async () => {
    const hook = harness();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: DEFAULT_IDS.clientId, sub: DEFAULT_IDS.clientId, aud: HOOK_URL, exp: NOW + 60, jti: 'x'.repeat(20), act: { sub: DEFAULT_IDS.alice } })).toString('base64url');
    assert.match(summaryOf(await hook.send(`${header}.${payload}.`)), /algorithm "none" is not one Okta accepts/);
  });

  it('uses each act assertion once: a replay is refused', async () => {
    const hook = harness();
    const assertion = await actAssertion();
    assert.ok(actOf(await hook.send(assertion)));
    assert.equal(summaryOf(await hook.send(assertion)), 'The act assertion has already been used; sign a new one for every token request.');
    assert.equal(hook.events.at(-1)?.reason, 'replayed');
  });

  it('lets one of 50 concurrent requests with the same act assertion through', async () => {
    const hook = harness();
    const assertion = await actAssertion();
    const bodies = await Promise.all(Array.from({ length: 50 }, () => hook.send(assertion)));
    assert.equal(bodies.filter((body) => body.commands !== undefined).length, 1);
    assert.equal(bodies.filter((body) => body.error !== undefined).length, 49);
  });

  it('does not use up the jti of an assertion refused for another reason', async () => {
    const hook = harness();
    const jti = crypto.randomUUID();
    assert.match(summaryOf(await hook.send(await actAssertion({ jti, aud: TOKEN_URL }))), /aud must be/);
    assert.ok(actOf(await hook.send(await actAssertion({ jti }))));
  });

  it('checks the human in the org: unknown, not ACTIVE, not in the group', async () => {
    const hook = harness({ group: 'FinanceUsers' });
    assert.match(summaryOf(await hook.send(await actAssertion({}, undefined, { human: '00u000nobody000000' }))), /^The human 00u000nobody000000 is not a user of this org\.$/);
    assert.match(summaryOf(await hook.send(await actAssertion({}, undefined, { human: CAROL }))), /^The human 00u789ghi012rst is SUSPENDED, not ACTIVE/);
    assert.equal(summaryOf(await hook.send(await actAssertion({}, undefined, { human: DEFAULT_IDS.bob }))), `The human ${DEFAULT_IDS.bob} is not in the group FinanceUsers.`);
    assert.deepEqual(hook.events.map((event) => event.reason), ['unknown-human', 'inactive-human', 'not-in-group']);
    assert.equal(hook.events[1]?.human_id, CAROL);
    assert.ok(actOf(await hook.send(await actAssertion())));
  });

  it('fails closed when the Management API does not answer', async () => {
    const hook = harness();
    hook.org.failing = true;
    assert.match(summaryOf(await hook.send(await actAssertion())), /^The hook could not (read the agent app|check the human in the org)/);
    assert.equal(hook.events[0]?.reason, 'unavailable');
    assert.match(hook.events[0]?.detail ?? '', /E0000009/);
  });

  it('refuses a client_secret_jwt assertion without a configured secret, and without an org checks nothing more', async () => {
    const noSecret = harness({ clientSecret: undefined });
    assert.match(summaryOf(await noSecret.send(await actAssertion())), /has none configured/);
    const noOrg = harness({ org: undefined });
    assert.deepEqual(actOf(await noOrg.send(await actAssertion())), { sub: DEFAULT_IDS.alice });
  });

  it("verifies a private_key_jwt agent with its registered key, looking the app up again for an unknown kid (once per cooldown)", async () => {
    const hook = harness();
    const first = await generateKeyPair('ES256', { extractable: true });
    const second = await generateKeyPair('ES256', { extractable: true });
    hook.org.registerKeyAgent([{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'ES256' }]);
    const sign = async (key: CryptoKey, kid: string) =>
      actAssertion({}, { kind: 'private-key', key: await exportJWK(key).then((jwk) => ({ ...jwk, kid })) }, { clientId: KEY_AGENT, alg: 'ES256' });
    assert.ok(actOf(await hook.send(await sign(first.privateKey, 'k1'), KEY_AGENT)));
    assert.ok(actOf(await hook.send(await sign(first.privateKey, 'k1'), KEY_AGENT)));
    assert.equal(hook.org.calls.filter((name) => name === 'getApplication').length, 1, 'cached');

    // The agent rotates: k2 is registered. Within the cooldown the cache (k1 only) is all the hook knows;
    // after it, the unknown kid makes the hook look the app up again.
    hook.org.registerKeyAgent([{ ...(await exportJWK(first.publicKey)), kid: 'k1' }, { ...(await exportJWK(second.publicKey)), kid: 'k2' }]);
    assert.match(summaryOf(await hook.send(await sign(second.privateKey, 'k2'), KEY_AGENT)), /kid names no public key registered/);
    hook.advance(31);
    assert.ok(actOf(await hook.send(await sign(second.privateKey, 'k2'), KEY_AGENT)));
    assert.equal(hook.org.calls.filter((name) => name === 'getApplication').length, 2);

    // A kid nobody registered: one more look-up is not allowed within the cooldown.
    assert.match(summaryOf(await hook.send(await sign(second.privateKey, 'k9'), KEY_AGENT)), /kid names no public key registered/);
    assert.equal(hook.org.calls.filter((name) => name === 'getApplication').length, 2);
    // Signed with k2's private key but naming k1: the signature does not verify.
    assert.match(summaryOf(await hook.send(await sign(second.privateKey, 'k1'), KEY_AGENT)), /signature does not verify/);
    // The private_key_jwt agent cannot fall back to the client secret.
    assert.match(summaryOf(await hook.send(await actAssertion({}, undefined, { clientId: KEY_AGENT }), KEY_AGENT)), /authenticates with private_key_jwt/);
  });

  it('with the agbac-1.0 profile adds delegation and agbac_ver, and refuses an assertion without a valid delegation', async () => {
    const hook = harness({ profile: 'agbac-1.0' });
    const delegation = { granted_at: '2026-01-02T09:55:00Z', method: 'explicit', intent_summary: 'Read Q4 invoices' };
    const body = await hook.send(await actAssertion({ delegation, agbac_ver: '1.0' }));
    const operations = (body.commands as { value: { path: string; value: unknown }[] }[])[0]?.value ?? [];
    assert.deepEqual(operations.map((operation) => operation.path), ['/claims/act', '/claims/delegation', '/claims/agbac_ver']);
    assert.deepEqual(operations[1]?.value, delegation);
    assert.match(summaryOf(await hook.send(await actAssertion())), /^The act assertion's delegation is not valid under AGBAC 1\.0: /);
    assert.match(summaryOf(await hook.send(await actAssertion({ delegation: { ...delegation, method: 'telepathy' }, agbac_ver: '1.0' }))), /delegation is not valid/);
  });

  it('accepts OAuth 2.0 hook authentication: a Bearer token from the configured issuer, audience and scope', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const issuer = 'https://auth.example.com/oauth2/hooks';
    const hook = harness({ authentication: [{ kind: 'bearer', issuer, audience: 'api://okta-hooks', scope: 'okta.hooks', keys: async () => publicKey }] });
    const token = (claims: JsonRecord) =>
      new SignJWT({ iss: issuer, aud: 'api://okta-hooks', iat: NOW, exp: NOW + 300, scp: ['okta.hooks'], ...claims }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    const body = oktaRequest(urlWith(await actAssertion()));
    assert.equal((await hook.call(body, { authorization: `Bearer ${await token({ aud: 'api://other' })}` })).status, 401);
    assert.equal((await hook.call(body, { authorization: `Bearer ${await token({ scp: ['other'] })}` })).status, 401);
    assert.equal((await hook.call(body, { authorization: HOOK_SECRET })).status, 401);
    const good = await hook.call(body, { authorization: `Bearer ${await token({})}` });
    assert.equal(good.status, 200);
    assert.ok(actOf(good.body));
  });

  it("refuses what is not Okta's token hook request, and never throws", async () => {
    const hook = harness();
    assert.match(summaryOf((await hook.call('{not json')).body), /it is not JSON/);
    assert.match(summaryOf((await hook.call({ ...oktaRequest(TOKEN_URL), eventType: 'com.okta.import.transform' })).body), /eventType is not com\.okta\.oauth2\.tokens\.transform/);
    assert.match(summaryOf((await hook.call({ eventType: 'com.okta.oauth2.tokens.transform', data: {} })).body), /client\.id is missing/);
    assert.match(summaryOf((await hook.call([1, 2])).body), /not a JSON object/);
    const huge = JSON.stringify({ ...oktaRequest(TOKEN_URL), padding: 'x'.repeat(300 * 1024) });
    assert.match(summaryOf((await hook.call(huge)).body), /too large/);
    assert.ok(hook.events.every((event) => event.decision === 'REFUSE' && event.reason === 'bad-request'));
  });

  it('answers GET /health, and 405 for other methods', async () => {
    const app = createHookApp({ hookUrl: HOOK_URL, authentication: [{ kind: 'header', secret: HOOK_SECRET }] });
    const health = await app.fetch(new Request('http://hook.test/health'));
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await app.fetch(new Request('http://hook.test/', { method: 'PUT' }))).status, 405);
  });

  it('refuses a configuration that cannot authenticate Okta', () => {
    assert.throws(() => createHookApp({ hookUrl: HOOK_URL, authentication: [] }), { code: 'ERR_HOOK_CONFIG' });
    assert.throws(() => createHookApp({ hookUrl: HOOK_URL, authentication: [{ kind: 'header', secret: 'short' }] }), { code: 'ERR_HOOK_CONFIG' });
    assert.throws(() => createHookApp({ hookUrl: 'not a url', authentication: [{ kind: 'header', secret: HOOK_SECRET }] }), { code: 'ERR_HOOK_CONFIG' });
  });

  it('writes no secret, assertion, token URL or email into its audit events', async () => {
    const hook = harness();
    const assertion = await actAssertion();
    await hook.send(assertion);
    await hook.send(assertion);
    const text = JSON.stringify(hook.events);
    for (const secret of [HOOK_SECRET, CLIENT_SECRET, assertion.split('.')[2] ?? 'x', 'alice@corp.example.com', 'act_assertion']) assert.ok(!text.includes(secret), secret);
  });
});

describe('MemoryReplayStore', () => {
  it('forgets a key once it expired, and refuses rather than forget one that has not', () => {
    let now = 100;
    const store = new MemoryReplayStore(() => now, 3);
    assert.equal(store.use('a', 110), true);
    assert.equal(store.use('a', 110), false);
    now = 111;
    assert.equal(store.use('a', 200), true, 'expired keys may be used again');
    assert.equal(store.use('b', 200), true);
    assert.equal(store.use('c', 200), true);
    assert.throws(() => store.use('d', 200), { code: 'ERR_HOOK_REFUSED', reason: 'unavailable' });
    now = 201;
    assert.equal(store.use('d', 300), true);
    assert.ok(store.size <= 3);
  });
});
