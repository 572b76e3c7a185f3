/**
 * `agbac demo`: the whole AGBAC flow against an embedded sandbox, each step printed: an agent asks
 * for a token for Alice (in FinanceUsers) and is allowed; for Bob (not in it) and is denied; and
 * the setup guide's audience advice is refused as real Okta refuses it.
 */
import { checkAssertionPayload, decodeJwt, type Human, redactToken, type Verification } from '../core';
import { requestToken, TokenError, verifyLive } from '../oauth';
import { adviceFor, connectOrg, oktaDirectory } from '../okta';
import { DEFAULT_IDS, startSandbox } from '../sandbox';
import { type Command, EXIT, json, parse } from './common';

const ALICE: Human = { id: DEFAULT_IDS.alice, email: DEFAULT_IDS.aliceLogin, name: 'Alice Smith' };
const BOB: Human = { id: DEFAULT_IDS.bob, email: DEFAULT_IDS.bobLogin, name: 'Bob Jones' };
const AUDIENCE = 'https://api.example.com/finance';
const SCOPE = 'finance.read';
const GROUP = 'FinanceUsers';

export const demoCommand: Command = {
  usage: `agbac demo

Starts the embedded Okta-compatible sandbox (the setup guide's org) on a free loopback port and
walks through AGBAC: Finance Agent requests a token for Alice with a signed client assertion, the
token is verified and both subjects are approved (Alice by her FinanceUsers membership, read
through the Management API): ALLOW. Then the same for Bob, who is not in FinanceUsers: DENY.
Last, an assertion addressed to the issuer URL, as the guide advises, is refused as Okta refuses it.

Exit status: 0 when every step turns out as described.`,
  async run(args, io) {
    parse(args, {}, false);
    const sandbox = await startSandbox();
    let ok = true;
    const step = (title: string) => io.out(`\n── ${title}`);
    try {
      step('1. The sandbox (the guide\'s org, on loopback)');
      io.out(`issuer          ${sandbox.issuer}\ntoken endpoint  ${sandbox.tokenEndpoint}\nagent           ${sandbox.clientId} (client_secret_jwt)\nhumans          ${ALICE.id} Alice (in ${GROUP}), ${BOB.id} Bob (not in ${GROUP})`);

      const org = await connectOrg({ orgUrl: sandbox.orgUrl, credential: { kind: 'api-token', token: sandbox.apiToken } });
      const request = (human: Human, audienceStyle: 'token-endpoint' | 'issuer' = 'token-endpoint') =>
        requestToken({
          tokenEndpoint: sandbox.tokenEndpoint,
          issuer: sandbox.issuer,
          clientId: sandbox.clientId,
          credential: { kind: 'secret', secret: sandbox.clientSecret },
          scopes: [SCOPE],
          human,
          audienceStyle,
          clock: io.now,
        });
      const verify = (token: string) =>
        verifyLive(token, {
          issuer: sandbox.issuer,
          audience: AUDIENCE,
          requiredScopes: [SCOPE],
          approvedAgents: [sandbox.clientId],
          human: { kind: 'group', group: GROUP, directory: oktaDirectory(org) },
          action: 'read',
          resource: '/reports/q4',
          now: io.now(),
        });

      step('2. Finance Agent signs a client assertion for Alice and requests a token');
      const alice = await request(ALICE);
      const findings = checkAssertionPayload(alice.assertion, { now: io.now(), clientId: sandbox.clientId, tokenEndpoint: sandbox.tokenEndpoint });
      io.out(`assertion (HS256, signed with the client secret):\n${json(alice.assertion)}`);
      io.out(findings.length ? findings.map((finding) => `  ${finding.code} ${finding.message}`).join('\n') : 'lint: no findings');
      io.out(`token ${redactToken(alice.accessToken)}, payload:\n${json(decodeJwt(alice.accessToken).payload)}`);

      step('3. The resource server verifies the token and approves both subjects');
      ok = report(await verify(alice.accessToken), 'ALLOW', io.out) && ok;

      step('4. The same agent acts for Bob, who is not in FinanceUsers');
      const bob = await request(BOB);
      ok = report(await verify(bob.accessToken), 'DENY', io.out) && ok;

      step('5. The guide\'s advice: aud = the authorization server URL');
      try {
        await request(ALICE, 'issuer');
        io.out('unexpected: the sandbox accepted the issuer as audience');
        ok = false;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        io.out(`refused, as real Okta refuses it: HTTP ${error.status} ${error.error}: ${error.errorDescription ?? ''}\nfix: ${adviceFor(error.error, error.errorDescription, { tokenEndpoint: sandbox.tokenEndpoint }).fix}`);
      }
    } finally {
      await sandbox.close();
    }
    io.out(ok ? '\nDemo complete: ALLOW for Alice, DENY for Bob, and the guide\'s audience refused.' : '\nDemo did not turn out as expected.');
    return ok ? EXIT.ok : EXIT.failed;
  },
};

function report(result: Verification, expected: 'ALLOW' | 'DENY', out: (text: string) => void): boolean {
  out(`${result.decision}  agent ${result.agent ?? '-'}  human ${result.human ?? '-'}`);
  for (const finding of result.findings) out(`  ${{ error: '✗', warning: '!', info: 'i' }[finding.severity]} ${finding.code} ${finding.message}`);
  out(`audit event: ${JSON.stringify(result.audit)}`);
  return result.decision === expected;
}
