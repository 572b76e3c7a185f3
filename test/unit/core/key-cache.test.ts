/** Verification keys are prepared once per key-set content, never served stale, and unusable keys are reported every time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { KeyError, verifyAccessToken } from '../../../src/core';
import { cachedResolver } from '../../../src/core/key-cache';

const NOW = 1767348000;

describe('cachedResolver', () => {
  it('makes one resolver per key-set content, even for copies of the object', async () => {
    let made = 0;
    const make = async () => {
      made++;
      return () => {
        throw new Error('unused');
      };
    };
    const jwks = { keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB', kid: 'k1' }] };
    const first = await cachedResolver(jwks, ['RS256'], make);
    const copy = await cachedResolver({ keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB', kid: 'k1' }] }, ['RS256'], make);
    assert.equal(first, copy);
    assert.equal(made, 1);
    await cachedResolver(jwks, ['RS256', 'ES256'], make);
    assert.equal(made, 2, 'other algorithms, another resolver');
    jwks.keys.push({ kty: 'RSA', n: 'def', e: 'AQAB', kid: 'k2' });
    await cachedResolver(jwks, ['RS256'], make);
    assert.equal(made, 3, 'a key set changed in place is prepared again');
  });

  it('reports unusable keys every time instead of remembering them', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    const broken = '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----';
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(verifyAccessToken(token, { keys: broken, now: NOW, correlationId: 'x' }), KeyError, `attempt ${attempt + 1}`);
    }
  });

  it('verifies with the right key after the key set is rotated (same PEM text, new JWK)', async () => {
    const one = await generateKeyPair('RS256', { extractable: true });
    const two = await generateKeyPair('RS256', { extractable: true });
    const sign = (key: CryptoKey) => new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuedAt(NOW).setExpirationTime(NOW + 60).sign(key);
    const jwkOne = { ...(await exportJWK(one.publicKey)), kid: 'k' };
    const jwkTwo = { ...(await exportJWK(two.publicKey)), kid: 'k' };
    const verify = async (token: string, keys: object | string) => (await verifyAccessToken(token, { keys: keys, now: NOW, correlationId: 'x' })).signatureValid;
    assert.equal(await verify(await sign(one.privateKey), { keys: [jwkOne] }), true);
    assert.equal(await verify(await sign(two.privateKey), { keys: [jwkTwo] }), true, 'the new key set, not the cached one');
    assert.equal(await verify(await sign(one.privateKey), { keys: [jwkTwo] }), false);
    assert.equal(await verify(await sign(two.privateKey), await exportSPKI(two.publicKey)), true);
    assert.equal(await verify(await sign(one.privateKey), await exportSPKI(two.publicKey)), false);
  });
});
