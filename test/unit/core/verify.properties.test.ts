/**
 * The verifier cannot be talked into ALLOW (fast-check, fixed seed): valid tokens changed claim by
 * claim and header by header, signed again with the issuer's own key so that only the decision
 * stands between them and access; and valid tokens tampered after signing. Whatever comes in, the
 * verifier answers (it never throws), and ALLOW comes only with claims that meet every check.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { type JsonRecord, looksLikeUserId, type VerifyOptions, verifyAccessToken } from '../../../src/core';
import { b64, fc, holdsAsync, isPrintableLine, jsonValue } from '../property';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID } from '../fixtures';

let privateKey: CryptoKey;
let jwks: { keys: JsonRecord[] };

/** Signs exactly this header and payload text with the issuer's key (ES256, fast enough for thousands). */
async function sign(headerText: string, payloadText: string): Promise<string> {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(input));
  return `${input}.${b64(new Uint8Array(signature))}`;
}

const SKEW = 60;
const options = (): VerifyOptions => ({
  keys: jwks,
  algorithms: ['ES256'],
  now: NOW,
  correlationId: 'properties',
  issuer: ISSUER,
  audience: API_AUDIENCE,
  requiredScopes: ['finance.read'],
  approvedAgents: [CLIENT_ID],
  humanApproval: { kind: 'allow-list', ids: [USER_ID] },
  clockSkewSeconds: SKEW,
});

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** What ALLOW promises about the claims, checked independently of the verifier's own code. */
function allowedClaimsAreSound(payload: JsonRecord): void {
  assert.equal(payload.iss, ISSUER);
  assert.ok(payload.aud === API_AUDIENCE || (Array.isArray(payload.aud) && payload.aud.includes(API_AUDIENCE)), 'aud');
  assert.equal(payload.sub, CLIENT_ID);
  assert.equal(payload.cid, CLIENT_ID);
  assert.ok(Array.isArray(payload.scp) && payload.scp.includes('finance.read'), 'scp');
  const act = payload.act as JsonRecord;
  assert.equal(act.sub, USER_ID);
  assert.ok(looksLikeUserId(String(act.sub)));
  assert.equal(act.act, undefined, 'no chain of actors');
  assert.ok(isTime(payload.exp) && payload.exp + SKEW > NOW, 'exp');
  const from = isTime(payload.iat) ? payload.iat : NOW;
  assert.ok(payload.exp - from <= 86_400 + SKEW, 'lifetime');
  for (const claim of ['nbf', 'iat'] as const) {
    const value = payload[claim];
    assert.ok(value === undefined || (isTime(value) && value <= NOW + SKEW), claim);
  }
}

/** The good token changed claim by claim: replaced by any JSON or a nasty value, removed, or added. */
const payloads = fc
  .array(
    fc.tuple(
      fc.constantFrom('iss', 'aud', 'sub', 'cid', 'scp', 'act', 'exp', 'iat', 'nbf', 'jti', 'ver', 'delegation', 'agbac_ver', 'extra'),
      fc.oneof(
        { weight: 3, arbitrary: jsonValue() },
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 3,
          arbitrary: fc.constantFrom<unknown>(
            ISSUER, `${ISSUER}/`, ISSUER.toUpperCase(), API_AUDIENCE, [API_AUDIENCE], [], CLIENT_ID, USER_ID, ` ${USER_ID}`, `${USER_ID}\u0000`,
            { sub: USER_ID }, { sub: USER_ID, act: { sub: CLIENT_ID } }, { sub: CLIENT_ID }, { sub: 'alice@corp.example.com' }, { sub: 'me' },
            ['finance.read'], 'finance.read', NOW - 120, NOW + 30, NOW + 120, NOW + 86_400 * 2, 1e300, -1, 0, '1767348000', true, null,
          ),
        },
      ),
    ),
    { maxLength: 4 },
  )
  .map((changes) => {
    const payload: JsonRecord = goodToken();
    for (const [claim, value] of changes) {
      if (value === undefined) delete payload[claim];
      else payload[claim] = value;
    }
    return payload;
  });

describe('verifying changed tokens (properties)', () => {
  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
  });

  it('ALLOWs a re-signed token only when its claims meet every check: 5,000 payloads changed claim by claim', async () => {
    let allowed = 0;
    await holdsAsync(payloads, async (payload) => {
      const result = await verifyAccessToken(await sign('{"alg":"ES256","kid":"k1"}', JSON.stringify(payload)), options());
      for (const finding of result.findings) assert.ok(isPrintableLine(finding.message), finding.message);
      if (result.decision === 'ALLOW') {
        allowed++;
        allowedClaimsAreSound(JSON.parse(JSON.stringify(payload)) as JsonRecord);
      } else {
        assert.equal(result.decision, 'DENY');
        assert.ok(result.audit.reasons.length > 0, 'a DENY always says why');
      }
    }, { runs: 5_000 });
    assert.ok(allowed > 100, `the generator also makes tokens that pass (${allowed})`);
  });

  it('ALLOWs only the algorithm it was told and no crit, whatever the header says: 3,000 headers', async () => {
    const headers = fc
      .record(
        {
          alg: fc.oneof(fc.constantFrom('ES256', 'es256', 'ES384', 'RS256', 'HS256', 'none', 'None', 'NONE', ''), jsonValue()),
          kid: fc.oneof(fc.constantFrom('k1', 'k2', '../k1', 'k1\u0000', ''), jsonValue()),
          typ: fc.constantFrom('JWT', 'at+jwt', 'JWE'),
          crit: fc.oneof(fc.constant(['b64']), fc.constant(['exp']), fc.constant([]), jsonValue()),
          b64: fc.boolean(),
          jku: fc.constant('https://evil.example/keys'),
          jwk: fc.constant({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }),
        },
        { requiredKeys: [] },
      )
      .map((header) => ({ alg: 'ES256', kid: 'k1', ...header }));
    await holdsAsync(fc.tuple(headers, fc.boolean()), async ([header, duplicateAlg]) => {
      const text = duplicateAlg ? `{"alg":"ES256",${JSON.stringify(header).slice(1)}` : JSON.stringify(header);
      const result = await verifyAccessToken(await sign(text, JSON.stringify(goodToken())), options());
      if (result.decision === 'ALLOW') {
        assert.equal(header.alg, 'ES256');
        assert.ok(!('crit' in header), 'crit');
        assert.ok(!duplicateAlg || !('alg' in header) || header.alg === 'ES256', 'a duplicate alg is refused');
        assert.ok(!duplicateAlg, 'a duplicate member is refused');
      }
    }, { runs: 3_000 });
  });

  it('DENYs a valid token changed after signing, on the signature: 2,000 tamperings', async () => {
    const token = await sign('{"alg":"ES256","kid":"k1"}', JSON.stringify(goodToken()));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const [header = '', payload = ''] = token.split('.');
    const signed = `${header}.${payload}`;
    await holdsAsync(fc.tuple(fc.nat({ max: signed.length - 1 }), fc.nat({ max: alphabet.length - 1 }), fc.constantFrom('replace', 'insert', 'delete')), async ([at, pick, how]) => {
      const char = alphabet[pick] ?? 'A';
      if (signed[at] === '.' || (how === 'replace' && signed[at] === char)) return;
      const changed = how === 'replace' ? `${signed.slice(0, at)}${char}${signed.slice(at + 1)}` : how === 'insert' ? `${signed.slice(0, at)}${char}${signed.slice(at)}` : `${signed.slice(0, at)}${signed.slice(at + 1)}`;
      const result = await verifyAccessToken(`${changed}.${token.split('.')[2] ?? ''}`, options());
      assert.equal(result.decision, 'DENY');
      assert.equal(result.checks.signature, 'failed');
    }, { runs: 2_000 });
  });
});
