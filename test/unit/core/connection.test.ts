/** Connections read from untrusted settings: every field checked, secrets refused, how act reaches the token. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConnection } from '../../../src/core';

const base = { name: 'dev', orgUrl: 'dev-123456.okta.com', authServerId: 'aus123abc456', clientId: '0oa123abc456xyz' };

describe('readConnection', () => {
  it('fills the defaults: client_secret_jwt, the token endpoint as audience, act in the client assertion', () => {
    const read = readConnection(base);
    assert.ok('connection' in read, JSON.stringify(read));
    assert.equal(read.connection.orgUrl, 'https://dev-123456.okta.com');
    assert.equal(read.connection.authMethod, 'client_secret_jwt');
    assert.equal(read.connection.audienceStyle, 'token-endpoint');
    assert.equal(read.connection.actDelivery, 'assertion');
    assert.equal(read.connection.hookUrl, undefined);
  });

  it('takes a token inline hook with its URL, and refuses one without, or with a plain-http URL off loopback', () => {
    const read = readConnection({ ...base, actDelivery: 'inline-hook', hookUrl: 'https://hook.example.com/agbac' });
    assert.ok('connection' in read);
    assert.equal(read.connection.actDelivery, 'inline-hook');
    assert.equal(read.connection.hookUrl, 'https://hook.example.com/agbac');
    const missing = readConnection({ ...base, actDelivery: 'inline-hook' });
    assert.ok('errors' in missing && missing.errors.some((error) => /"hookUrl" is required/.test(error)));
    const plain = readConnection({ ...base, actDelivery: 'inline-hook', hookUrl: 'http://hook.example.com/' });
    assert.ok('errors' in plain && plain.errors.some((error) => /must use https/.test(error)));
    const other = readConnection({ ...base, actDelivery: 'carrier-pigeon' });
    assert.ok('errors' in other && other.errors.some((error) => /"actDelivery" must be assertion, inline-hook or token-exchange/.test(error)));
  });

  it('takes token exchange with the app people sign in with, and a registered loopback redirect URI with its port', () => {
    const read = readConnection({ ...base, actDelivery: 'token-exchange', signInClientId: '0oa7SignInAgbacDev01', signInRedirectUri: 'http://127.0.0.1:8765/callback' });
    assert.ok('connection' in read, JSON.stringify(read));
    assert.deepEqual([read.connection.actDelivery, read.connection.signInClientId, read.connection.signInRedirectUri], ['token-exchange', '0oa7SignInAgbacDev01', 'http://127.0.0.1:8765/callback']);
    const missing = readConnection({ ...base, actDelivery: 'token-exchange' });
    assert.ok('errors' in missing && missing.errors.some((error) => /"signInClientId" is required/.test(error)));
    for (const uri of ['https://127.0.0.1:8765/callback', 'http://example.com:8765/callback', 'http://127.0.0.1/callback']) {
      const bad = readConnection({ ...base, actDelivery: 'token-exchange', signInClientId: '0oaX', signInRedirectUri: uri });
      assert.ok('errors' in bad && bad.errors.some((error) => /"signInRedirectUri" must be http on the loopback interface with a port/.test(error)), uri);
    }
  });

  it('refuses secrets and names every problem', () => {
    const read = readConnection({ name: 'x', orgUrl: 'http://example.com', clientSecret: 's', scopes: 'finance.read', humans: [{ id: 'alice@corp.example.com' }] });
    assert.ok('errors' in read);
    const text = read.errors.join('\n');
    for (const expected of [/"clientSecret" must not be stored/, /"orgUrl": .*uses http/, /"authServerId" is required/, /"clientId" is required/, /"scopes" must be a list/, /"humans\[0\]\.id" must be an Okta user id/]) {
      assert.match(text, expected);
    }
  });
});
