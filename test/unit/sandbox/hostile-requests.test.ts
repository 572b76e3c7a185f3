/**
 * The sandbox against requests built to break a parser: deep JSON, invalid UTF-8, filters that
 * nest without end or run for kilobytes, duplicate members in a client assertion. Each is a 4xx
 * answer in Okta's shape, never a 500, and the sandbox goes on serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_IDS, type Sandbox } from '../../../src/sandbox';
import { requestWithAssertion, start } from './helpers';

describe('sandbox: hostile requests', () => {
  let sandbox: Sandbox;
  const logs: string[] = [];
  before(async () => {
    sandbox = await start({ log: (line) => logs.push(line) });
  });
  after(() => sandbox.close());

  const call = async (method: string, path: string, body?: string | Uint8Array, type = 'application/json') => {
    const response = await fetch(`${sandbox.orgUrl}${path}`, {
      method,
      headers: { authorization: `SSWS ${sandbox.apiToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, body: (await response.json()) as { errorCode?: string; errorCauses?: { errorSummary: string }[]; error_description?: string } };
  };
  const summary = (answer: { body: { errorCauses?: { errorSummary: string }[] } }) => answer.body.errorCauses?.[0]?.errorSummary;

  it('answers JSON nested 100,000 deep with 400 E0000003, valid or not', async () => {
    for (const body of [`{"profile":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, `{"profile":${'['.repeat(100_000)}`]) {
      const answer = await call('POST', '/api/v1/groups', body);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errorCode, 'E0000003');
      assert.equal(summary(answer), 'The body nests deeper than 64 levels.');
    }
  });

  it('answers a body that is not UTF-8 with 400', async () => {
    const answer = await call('POST', '/api/v1/groups', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    assert.equal(answer.status, 400);
    assert.equal(summary(answer), 'The request body is not valid UTF-8.');
  });

  it('answers filters that nest or run on with 400 E0000031', async () => {
    const deep = `${'('.repeat(2000)}profile.login eq "x"${')'.repeat(2000)}`;
    const long = Array.from({ length: 200 }, (_, index) => `profile.login eq "user${index}"`).join(' or ');
    for (const [expression, reason] of [
      ['(((profile.login eq "x")))', undefined],
      [`${'('.repeat(40)}profile.login eq "x"${')'.repeat(40)}`, 'parentheses nest deeper than 32 levels'],
      [deep, 'parentheses nest deeper than 32 levels'],
      [long, 'the expression is longer than 4096 characters'],
      ['profile.login eq "x")', 'a ")" has no "("'],
    ] as const) {
      const answer = await call('GET', `/api/v1/users?search=${encodeURIComponent(expression)}`);
      if (reason === undefined) {
        assert.equal(answer.status, 200);
      } else {
        assert.equal(answer.status, 400, expression.slice(0, 40));
        assert.equal(answer.body.errorCode, 'E0000031');
        assert.match(summary(answer) ?? '', new RegExp(reason.replace(/[()"]/g, '\\$&')));
      }
    }
    // Beyond Node's 16 KiB header limit the request never reaches the parser: still a 4xx.
    const oversized = await fetch(`${sandbox.orgUrl}/api/v1/users?search=${'('.repeat(20_000)}`, { headers: { authorization: `SSWS ${sandbox.apiToken}` } });
    assert.ok(oversized.status >= 400 && oversized.status < 500, String(oversized.status));
  });

  it('refuses a client assertion with a duplicate member or deep nesting as invalid', async () => {
    const segment = (text: string) => Buffer.from(text).toString('base64url');
    for (const payload of ['{"iss":"a","iss":"b"}', `{"act":${'['.repeat(10_000)}${']'.repeat(10_000)}}`]) {
      const answer = await requestWithAssertion(sandbox, `${segment('{"alg":"HS256"}')}.${segment(payload)}.c2ln`);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error, 'invalid_client');
    }
  });

  it('never answered 500, and keeps serving', async () => {
    assert.deepEqual(logs.filter((line) => / 500$|internal error/.test(line)), []);
    const answer = await call('GET', `/api/v1/groups/${DEFAULT_IDS.financeGroupId}`);
    assert.equal(answer.status, 200);
  });
});
