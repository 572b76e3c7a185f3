/** What Okta's token endpoint errors mean, and what to change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviceFor, tokenErrorHint } from '../../../src/okta';

describe('adviceFor', () => {
  const rows: [string, string][] = [
    ['invalid_client', 'The client_assertion token is expired.'],
    ['invalid_client', 'The client_assertion token has an expiration too far into the future.'],
    ['invalid_client', 'The client_assertion signature is invalid.'],
    ['invalid_client', 'The client_assertion JWT kid is invalid.'],
    ['invalid_client', 'The client_assertion_type is invalid.'],
    ['invalid_client', 'The audience claim for client_assertion must be the endpoint invoked for the request.'],
    ['invalid_client', 'The client_assertion token has already been used.'],
    ['invalid_client', 'Client authentication failed. Either the client or the client credentials are invalid.'],
    ['invalid_client', 'The client assertion is invalid.'],
    ['invalid_scope', 'One or more scopes are not configured for the authorization server resource.'],
    ['unauthorized_client', 'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].'],
    ['access_denied', 'Policy evaluation failed for this request, please check the policy configurations.'],
    ['invalid_dpop_proof', 'The DPoP proof JWT header is missing.'],
    ['invalid_request', 'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or the client_assertion in the post body.'],
  ];
  it('has specific advice for every error of Okta\'s token endpoint and the guide\'s troubleshooting, each different', () => {
    const fixes = rows.map(([error, description]) => adviceFor(error, description).fix);
    for (const fix of fixes) assert.doesNotMatch(fix, /agbac doctor/, 'not the generic fallback');
    assert.equal(new Set(fixes).size, rows.length);
  });
  it('falls back to a generic reading for unknown errors', () => {
    assert.match(adviceFor('temporarily_unavailable', 'try later').meaning, /temporarily_unavailable: try later/);
  });
});

describe('tokenErrorHint', () => {
  it('is the advice\'s fix, with the request filled in', () => {
    const hint = tokenErrorHint({
      status: 400,
      error: 'invalid_scope',
      errorDescription: 'One or more scopes are not configured for the authorization server resource.',
      tokenEndpoint: 'https://dev-1.okta.com/oauth2/aus1/v1/token',
      clientId: '0oa1',
      scopes: ['finance.write'],
    });
    assert.match(hint, /finance\.write/);
  });
});
