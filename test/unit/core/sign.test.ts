import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import { compactVerify, exportJWK, exportPKCS8, generateKeyPair, importSPKI } from 'jose';
import { decodeJwt, signAssertion, SigningError } from '../../../src/core';
import { goodAssertion } from '../fixtures';

const SECRET = 'q'.repeat(64);
const payload = goodAssertion();

describe('signAssertion', () => {
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    it(`${alg} with the client secret round-trips`, async () => {
      const token = await signAssertion(payload, { kind: 'secret', secret: SECRET }, { alg });
      assert.deepEqual(decodeJwt(token).header, { alg, typ: 'JWT' });
      const { payload: bytes } = await compactVerify(token, new TextEncoder().encode(SECRET), { algorithms: [alg] });
      assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), payload);
    });
  }

  for (const alg of ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']) {
    it(`${alg} with a PKCS#8 PEM and with a JWK round-trips, carrying the kid`, async () => {
      const pair = await generateKeyPair(alg, { extractable: true });
      const pem = await exportPKCS8(pair.privateKey);
      const fromPem = await signAssertion(payload, { kind: 'private-key', key: pem, kid: 'agent-key-1' }, { alg });
      assert.deepEqual(decodeJwt(fromPem).header, { alg, typ: 'JWT', kid: 'agent-key-1' });
      await compactVerify(fromPem, pair.publicKey, { algorithms: [alg] });

      const jwk = { ...(await exportJWK(pair.privateKey)), kid: 'from-jwk', alg };
      const fromJwk = await signAssertion(payload, { kind: 'private-key', key: jwk });
      assert.deepEqual(decodeJwt(fromJwk).header, { alg, typ: 'JWT', kid: 'from-jwk' });
      await compactVerify(fromJwk, pair.publicKey, { algorithms: [alg] });
    });
  }

  it('infers the algorithm from an EC JWK without alg by its curve', async () => {
    const jwk = await exportJWK((await generateKeyPair('ES512', { extractable: true })).privateKey);
    assert.equal(decodeJwt(await signAssertion(payload, { kind: 'private-key', key: { ...jwk, alg: undefined }, kid: 'k' })).header.alg, 'ES512');
  });

  it('infers the algorithm from a PEM key: RS256 for RSA, ES384 for P-384', async () => {
    const rsa = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    const ec = await exportPKCS8((await generateKeyPair('ES384', { extractable: true })).privateKey);
    assert.equal(decodeJwt(await signAssertion(payload, { kind: 'private-key', key: rsa, kid: 'k' })).header.alg, 'RS256');
    assert.equal(decodeJwt(await signAssertion(payload, { kind: 'private-key', key: ec, kid: 'k' })).header.alg, 'ES384');
  });

  it('verifies with Node crypto (an independent implementation): HS256, RS256, ES256', async () => {
    const hs = await signAssertion(payload, { kind: 'secret', secret: SECRET });
    const [h, p, s] = hs.split('.') as [string, string, string];
    assert.equal(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'), s);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = await signAssertion(payload, { kind: 'private-key', key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, kid: 'k' });
    const [rh, rp, rsig] = rs.split('.') as [string, string, string];
    assert.ok(nodeVerify('sha256', Buffer.from(`${rh}.${rp}`), rsa.publicKey, Buffer.from(rsig, 'base64url')));

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const es = await signAssertion(payload, { kind: 'private-key', key: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, kid: 'k' });
    const [eh, ep, esig] = es.split('.') as [string, string, string];
    assert.ok(nodeVerify('sha256', Buffer.from(`${eh}.${ep}`), { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(esig, 'base64url')));
  });

  it('verifies a token Node crypto signed (the other direction)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const signature = nodeSign('sha256', Buffer.from(`${header}.${body}`), rsa.privateKey).toString('base64url');
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const { payload: bytes } = await compactVerify(`${header}.${body}.${signature}`, await importSPKI(publicPem, 'RS256'));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), payload);

    const hmacHeader = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`${hmacHeader}.${body}`).digest('base64url');
    await compactVerify(`${hmacHeader}.${body}.${mac}`, new TextEncoder().encode(SECRET));
  });

  it('refuses a secret shorter than the hash output, saying how long it must be', async () => {
    await assert.rejects(signAssertion(payload, { kind: 'secret', secret: 'short' }), /HS256 needs a secret of at least 32 bytes, this one has 5/);
    await assert.rejects(signAssertion(payload, { kind: 'secret', secret: 'x'.repeat(40) }, { alg: 'HS512' }), /at least 64 bytes/);
  });

  it('never signs alg none, and refuses algorithms that do not fit the credential', async () => {
    await assert.rejects(signAssertion(payload, { kind: 'secret', secret: SECRET }, { alg: 'none' }), SigningError);
    await assert.rejects(signAssertion(payload, { kind: 'secret', secret: SECRET }, { alg: 'RS256' }), /RS256 cannot be used with a client secret/);
    const pem = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: pem }, { alg: 'HS256' }), /cannot be used with a private key/);
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: pem }, { alg: 'PS256' }), /use one of RS256/);
  });

  it('explains unusable keys', async () => {
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: pkcs1 }), /the key is PKCS#1 PEM; convert it to PKCS#8/);
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: sec1 }), /the key is SEC1 PEM; convert it to PKCS#8/);
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: 'not a key' }), /must be a PKCS#8 PEM/);
    const publicJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: publicJwk }), /public key; signing needs the private key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await assert.rejects(signAssertion(payload, { kind: 'private-key', key: small }, { alg: 'RS256' }), SigningError);
  });
});
