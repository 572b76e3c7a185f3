/**
 * The doctor: checks an Okta org against every step of the setup guide, in the guide's order, then
 * (optionally) makes a live token request and verifies what comes back. Every failed check says
 * what is wrong, why it matters, how to fix it, and the guide's step (the words live in
 * `checks.ts`, one table).
 */
import { type Connection, connectionUrls, type Human, isRecord, messageOf, type SigningCredential, verifyAccessToken } from '../core';
import { discover, remoteKeySet, requestToken, TokenError } from '../oauth';
import { adviceFor, MISSING_ACT_ADVICE, tokenErrorHint } from './advice';
import { type Check, type CheckId, failed as fail, passed as pass, skipped as skip } from './checks';
import { claimCoversScopes, GUIDE, policyCoversClient, ruleCoversScopes } from './guide';
import type { App, AuthServer, Claim, OrgApi, Policy, PolicyRule } from './org';

export interface DoctorOptions {
  readonly org: OrgApi;
  readonly connection: Connection;
  /** The human to look up and to put in the probe's assertion (default: the connection's first). */
  readonly human?: Human;
  /** Signing credential for the live probe; without it the probe is skipped. */
  readonly credential?: SigningCredential;
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly clock?: () => number;
  /** Told what the doctor is doing before each step (network calls can take seconds). */
  readonly progress?: (step: string) => void;
}

/** Runs every check in the guide's order. Never throws for what it finds; Management API failures propagate. */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: Check) => checks.push(check);
  const { org, connection } = options;
  const scopes = connection.scopes;
  const progress = options.progress ?? (() => undefined);

  // Step 1: the authorization server.
  progress('checking the authorization server');
  const server = await org.getAuthorizationServer(connection.authServerId);
  add(server ? pass('server-exists', `${server.name} (${server.id})`) : fail('server-exists', `no authorization server "${connection.authServerId}"`));
  if (!server) {
    const rest: CheckId[] = ['server-active', 'server-audience', 'scopes', 'app', 'act-claim', 'policy', 'human', 'probe'];
    return [...checks, ...rest.map((id) => skip(id, 'the authorization server is missing'))];
  }
  checkServer(server, connection, add);

  // Step 2: scopes.
  progress('checking the scopes');
  const existing = new Set((await org.listScopes(server.id)).map((scope) => scope.name));
  const missing = scopes.filter((scope) => !existing.has(scope));
  add(missing.length === 0
    ? pass('scopes', scopes.length ? scopes.join(', ') : 'no scopes requested')
    : fail('scopes', `missing on ${server.name}: ${missing.join(', ')}`, { params: { scopeWord: missing.length > 1 ? 'scopes' : 'scope', missing: missing.join(', ') } }));

  // Step 3: the agent app.
  progress('checking the agent app');
  checkApp(await org.getApplication(connection.clientId), connection, add);

  // Step 4: the act claim.
  progress('checking the act claim');
  checkClaim((await org.listClaims(server.id)).filter((claim) => claim.name === GUIDE.claimName), scopes, add);

  // Step 5: policy and rule.
  progress('checking the access policy and its rule');
  const policies = await org.listPolicies(server.id);
  await checkPolicy(org, server, policies, connection, add);

  // Step 7: the human.
  const human = options.human ?? connection.humans[0];
  if (human) {
    progress('checking the human');
    await checkHuman(org, human, connection.group, add);
  }

  // Steps 8 and 9: the live probe.
  if (options.credential) await probe(options, options.credential, human, add);
  else add(skip('probe', 'no client secret or private key given'));
  return checks;
}

function checkServer(server: AuthServer, connection: Connection, add: (check: Check) => void): void {
  add(server.status === undefined || server.status === 'ACTIVE'
    ? pass('server-active', server.status ?? 'ACTIVE')
    : fail('server-active', `status ${server.status}`, { params: { server: server.name } }));
  const audiences = server.audiences;
  if (!connection.apiAudience) {
    add(pass('server-audience', `tokens will carry aud ${audiences.join(', ') || '(none)'}`, { variant: 'unspecified' }));
  } else if (audiences.includes(connection.apiAudience)) {
    add(pass('server-audience', connection.apiAudience));
  } else {
    add(fail('server-audience', `the server's audience is ${audiences.join(', ') || '(none)'}, not ${connection.apiAudience}`, { params: { audience: connection.apiAudience } }));
  }
}

function checkApp(app: App | undefined, connection: Connection, add: (check: Check) => void): void {
  if (!app) {
    add(fail('app', `no app with client id ${connection.clientId}`, { variant: 'missing' }));
    return;
  }
  add(app.status === undefined || app.status === 'ACTIVE'
    ? pass('app', `${app.label} (${app.id})`)
    : fail('app', `${app.label} is ${app.status}`, { params: { app: app.label } }));
  const client = app.settings?.oauthClient;
  add(client?.application_type === 'service'
    ? pass('app-service', 'application_type service')
    : fail('app-service', `application_type ${client?.application_type ?? 'unknown'}`));
  const grants = client?.grant_types ?? [];
  add(grants.includes('client_credentials') ? pass('app-grant', grants.join(', ')) : fail('app-grant', `grant types: ${grants.join(', ') || 'none'}`));
  const method = app.credentials?.oauthClient?.token_endpoint_auth_method;
  const wanted = connection.authMethod === 'client_secret_jwt' ? 'Client secret with a signed JWT (client_secret_jwt)' : 'Public key / Private key (private_key_jwt)';
  add(method === connection.authMethod
    ? pass('app-auth-method', method)
    : fail('app-auth-method', `the app uses ${method ?? 'an unknown method'}, the connection signs for ${connection.authMethod}`, {
        ...(method === 'client_secret_post' || method === 'client_secret_basic' ? { variant: 'secret' } : {}),
        params: { method: method ?? '', wanted },
      }));
  if (connection.authMethod === 'private_key_jwt') {
    const keys = client?.jwks?.keys ?? [];
    const match = keys.find((key) => key.kid === connection.kid);
    add(match
      ? pass('app-jwks', `kid ${connection.kid ?? ''}`)
      : fail('app-jwks', keys.length ? `no key with kid ${connection.kid ?? '(none given)'} among ${keys.map((key) => key.kid ?? '?').join(', ')}` : 'no public keys registered'));
  }
}

function checkClaim(claims: Claim[], scopes: readonly string[], add: (check: Check) => void): void {
  const claim = claims.find((candidate) => candidate.claimType === 'RESOURCE') ?? claims[0];
  if (!claim) {
    add(fail('act-claim', 'the authorization server has no claim named act'));
    return;
  }
  add(pass('act-claim', claim.id ? `claim ${claim.id}` : 'found'));
  add(claim.claimType === 'RESOURCE'
    ? pass('act-claim-access-token', 'claimType RESOURCE')
    : fail('act-claim-access-token', `claimType ${claim.claimType} puts it in the ID token`));
  add(claim.valueType === 'EXPRESSION' && claim.value.replace(/\s+/g, '') === GUIDE.claimExpression
    ? pass('act-claim-expression', `${claim.value} (the guide's expression; Okta does not document clientAssertion, see the live probe)`)
    : fail('act-claim-expression', `value ${claim.valueType} "${claim.value}"`));
  add(claim.status === undefined || claim.status === 'ACTIVE' ? pass('act-claim-active', 'ACTIVE') : fail('act-claim-active', `status ${claim.status}`));
  const listed = claim.conditions?.scopes ?? [];
  add(claimCoversScopes(claim, scopes)
    ? pass('act-claim-scopes', listed.length ? listed.join(', ') : 'any scope')
    : fail('act-claim-scopes', `only for ${listed.join(', ')}`, { params: { scopes: scopes.join(', ') } }));
}

async function checkPolicy(org: OrgApi, server: AuthServer, policies: Policy[], connection: Connection, add: (check: Check) => void): Promise<void> {
  const assigned = policies.filter((policy) => policyCoversClient(policy, connection.clientId) && (policy.status ?? 'ACTIVE') === 'ACTIVE');
  if (assigned.length === 0) {
    const inactive = policies.find((policy) => policyCoversClient(policy, connection.clientId));
    add(inactive
      ? fail('policy', `policy ${inactive.name} is ${inactive.status ?? 'inactive'}`, { variant: 'inactive', params: { policy: inactive.name } })
      : fail('policy', `no policy of ${server.name} includes ${connection.clientId}`));
    add(skip('policy-rule', 'no assigned policy'));
    return;
  }
  add(pass('policy', assigned.map((policy) => policy.name).join(', ')));
  let found: { policy: Policy; rule: PolicyRule } | undefined;
  const seen: string[] = [];
  for (const policy of assigned) {
    if (!policy.id) continue;
    for (const rule of await org.listRules(server.id, policy.id)) {
      seen.push(`${rule.name}${rule.status && rule.status !== 'ACTIVE' ? ` (${rule.status})` : ''}`);
      const grants = rule.conditions?.grantTypes?.include ?? [];
      if ((rule.status ?? 'ACTIVE') === 'ACTIVE' && grants.includes('client_credentials') && ruleCoversScopes(rule, connection.scopes)) {
        found = { policy, rule };
      }
    }
  }
  add(found
    ? pass('policy-rule', `${found.rule.name} in ${found.policy.name}, token lifetime ${found.rule.actions?.token?.accessTokenLifetimeMinutes ?? '?'} min`)
    : fail('policy-rule', seen.length ? `no active rule allows client_credentials with ${connection.scopes.join(' ') || 'these scopes'} (rules: ${seen.join(', ')})` : 'the policy has no rules'));
}

async function checkHuman(org: OrgApi, human: Human, group: string | undefined, add: (check: Check) => void): Promise<void> {
  const user = await org.getUser(human.id);
  if (!user) {
    add(fail('human', `no user ${human.id}`, { variant: 'missing' }));
    return;
  }
  const login = user.profile.login;
  add(user.status === 'ACTIVE' ? pass('human', `${login} (${user.id})`) : fail('human', `${login} is ${user.status}`, { params: { login } }));
  if (!group) return;
  const groups = await org.listUserGroups(user.id);
  add(groups.some((candidate) => candidate.profile.name === group)
    ? pass('human-group', group, { params: { group } })
    : fail('human-group', `${login} is in ${groups.map((candidate) => candidate.profile.name).join(', ') || 'no groups'}`, { params: { group, login } }));
}

async function probe(options: DoctorOptions, credential: SigningCredential, human: Human | undefined, add: (check: Check) => void): Promise<void> {
  const { connection } = options;
  const urls = connectionUrls(connection);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const progress = options.progress ?? (() => undefined);
  progress('probe: requesting a token');
  let token;
  try {
    token = await requestToken({
      tokenEndpoint: urls.tokenEndpoint,
      issuer: urls.issuer,
      clientId: connection.clientId,
      credential,
      scopes: connection.scopes,
      human,
      audienceStyle: connection.audienceStyle,
      ca: options.ca,
      timeoutMs: options.timeoutMs,
      clock,
      hint: tokenErrorHint,
      onRetry: (retry) => progress(`probe: ${retry.reason}; trying again in ${(retry.delayMs / 1000).toFixed(1)} s`),
    });
  } catch (error) {
    if (error instanceof TokenError) {
      const advice = adviceFor(error.error, error.errorDescription, { tokenEndpoint: urls.tokenEndpoint, clientId: connection.clientId, scopes: connection.scopes });
      add(fail('probe', messageOf(error), { variant: 'refused', params: { meaning: advice.meaning, fix: advice.fix }, ...(advice.guideStep ? { guideStep: advice.guideStep } : {}) }));
    } else {
      add(fail('probe', messageOf(error)));
    }
    add(skip('probe-verify', 'no token'));
    return;
  }
  add(pass('probe', `${token.tokenType} token, expires in ${token.expiresIn ?? '?'} s, scope ${token.scope ?? '(none)'}`));

  progress('probe: verifying the token');
  try {
    const metadata = await discover(urls.issuer, { ca: options.ca, timeoutMs: options.timeoutMs });
    const result = await verifyAccessToken(token.accessToken, {
      keys: remoteKeySet(metadata.jwksUri, { ca: options.ca, timeoutMs: options.timeoutMs }),
      issuer: urls.issuer,
      audience: connection.apiAudience,
      requiredScopes: connection.scopes,
      // The doctor checks the human in the directory itself (step 7); the probe checks the token.
      humanApproval: { kind: 'waived' },
      now: clock(),
      correlationId: crypto.randomUUID(),
    });
    const problems = result.findings.filter((finding) => finding.severity === 'error' && finding.code !== 'AGBAC113');
    add(problems.length === 0
      ? pass('probe-verify', `signature (kid ${typeof result.header?.kid === 'string' ? result.header.kid : '?'}), issuer, audience, lifetime and scopes`)
      : fail('probe-verify', problems.map((finding) => `${finding.code} ${finding.message}`).join('; ')));
    const act = result.payload?.act;
    if (!human) {
      add(skip('probe-act', 'no human given'));
    } else if (!isRecord(act)) {
      add(fail('probe-act', 'the access token has no act claim', {
        variant: 'missing',
        params: { meaning: MISSING_ACT_ADVICE.meaning, fix: MISSING_ACT_ADVICE.fix },
        ...(MISSING_ACT_ADVICE.guideStep ? { guideStep: MISSING_ACT_ADVICE.guideStep } : {}),
      }));
    } else {
      const sent = token.assertion.act;
      add(JSON.stringify(act) === JSON.stringify(sent)
        ? pass('probe-act', `act.sub ${String(act.sub)}`)
        : fail('probe-act', `the token's act ${JSON.stringify(act)} differs from the assertion's`));
    }
  } catch (error) {
    add(fail('probe-verify', messageOf(error), { variant: 'unreachable' }));
  }
}
