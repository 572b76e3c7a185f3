/**
 * The doctor: checks an Okta org against every step of the setup guide, then (optionally) makes a
 * live token request and verifies what comes back. Every failed check says what is wrong, why it
 * matters, how to fix it, and the guide's step.
 */
import { type Connection, connectionUrls, type Human, isRecord, messageOf, type SigningCredential, verifyAccessToken } from '../core';
import { discover, remoteKeySet, requestToken, TokenError } from '../oauth';
import { adviceFor, MISSING_ACT_ADVICE, tokenErrorHint } from './advice';
import { claimCoversScopes, GUIDE, policyCoversClient, ruleCoversScopes } from './guide';
import type { App, AuthServer, Claim, OrgApi, Policy, PolicyRule } from './org';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  /** Stable id, e.g. `act-claim-expression`. */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  readonly why?: string;
  readonly fix?: string;
  readonly guideStep?: string;
}

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
}

/** Runs every check in the guide's order. Never throws for what it finds; Management API failures propagate. */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: Check) => checks.push(check);
  const { org, connection } = options;
  const scopes = connection.scopes;

  // Step 1: the authorization server.
  const server = await org.getAuthorizationServer(connection.authServerId);
  add(server
    ? pass('server-exists', 'Authorization server exists', `${server.name} (${server.id})`)
    : fail('server-exists', 'Authorization server exists', `no authorization server "${connection.authServerId}"`, {
        why: 'Custom claims such as act need a custom authorization server; its id is part of the issuer and token URLs.',
        fix: `Create it (Security → API → Authorization Servers → Add) or run \`agbac provision\`; then use its id (aus…) in the connection.`,
        guideStep: 'Step 1',
      }));
  if (!server) return [...checks, ...skipped(['server-active', 'server-audience', 'scopes', 'act-claim', 'policy', 'app', 'human', 'probe'], 'the authorization server is missing')];
  checkServer(server, connection, add);

  // Step 2: scopes.
  const existing = new Set((await org.listScopes(server.id)).map((scope) => scope.name));
  const missing = scopes.filter((scope) => !existing.has(scope));
  add(missing.length === 0
    ? pass('scopes', 'Scopes exist', scopes.length ? scopes.join(', ') : 'no scopes requested')
    : fail('scopes', 'Scopes exist', `missing on ${server.name}: ${missing.join(', ')}`, {
        why: 'Okta answers invalid_scope when a requested scope is not defined on the authorization server.',
        fix: `Add the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (Scopes tab → Add Scope), or run \`agbac provision\`.`,
        guideStep: 'Step 2',
      }));

  // Step 4: the act claim.
  checkClaim((await org.listClaims(server.id)).filter((claim) => claim.name === GUIDE.claimName), scopes, add);

  // Step 5: policy and rule.
  const policies = await org.listPolicies(server.id);
  await checkPolicy(org, server, policies, connection, add);

  // Step 3: the agent app.
  checkApp(await org.getApplication(connection.clientId), connection, add);

  // Step 7: the human.
  const human = options.human ?? connection.humans[0];
  if (human) await checkHuman(org, human, connection.group, add);

  // Step 8: the live probe.
  if (options.credential) await probe(options, options.credential, human, add);
  else add(skip('probe', 'Live token request', 'no client secret or private key given'));
  return checks;
}

function checkServer(server: AuthServer, connection: Connection, add: (check: Check) => void): void {
  add(server.status === undefined || server.status === 'ACTIVE'
    ? pass('server-active', 'Authorization server is ACTIVE', server.status ?? 'ACTIVE')
    : fail('server-active', 'Authorization server is ACTIVE', `status ${server.status}`, {
        why: 'An inactive authorization server issues no tokens.',
        fix: `Activate ${server.name} (Authorization Servers → ${server.name} → Activate).`,
        guideStep: 'Step 1',
      }));
  const audiences = server.audiences;
  if (!connection.apiAudience) {
    add(pass('server-audience', 'Audience', `tokens will carry aud ${audiences.join(', ') || '(none)'}`));
  } else if (audiences.includes(connection.apiAudience)) {
    add(pass('server-audience', 'Audience matches the API', connection.apiAudience));
  } else {
    add(fail('server-audience', 'Audience matches the API', `the server's audience is ${audiences.join(', ') || '(none)'}, not ${connection.apiAudience}`, {
      why: 'The resource server checks that the access token\'s aud is its own identifier; tokens for another audience are refused.',
      fix: `Use the server's audience as the API audience, or create a server with audience ${connection.apiAudience} (an audience cannot be changed after creation).`,
      guideStep: 'Step 1',
    }));
  }
}

function checkClaim(claims: Claim[], scopes: readonly string[], add: (check: Check) => void): void {
  const claim = claims.find((candidate) => candidate.claimType === 'RESOURCE') ?? claims[0];
  if (!claim) {
    add(fail('act-claim', 'act claim exists', 'the authorization server has no claim named act', {
      why: 'Without it the human never reaches the access token, and every AGBAC resource server denies.',
      fix: `Add a claim: name act, include in Access Token, value type Expression, value ${GUIDE.claimExpression}, any scope (or run \`agbac provision\`).`,
      guideStep: 'Step 4',
    }));
    return;
  }
  add(pass('act-claim', 'act claim exists', claim.id ? `claim ${claim.id}` : 'found'));
  add(claim.claimType === 'RESOURCE'
    ? pass('act-claim-access-token', 'act claim is in the access token', 'claimType RESOURCE')
    : fail('act-claim-access-token', 'act claim is in the access token', `claimType ${claim.claimType} puts it in the ID token`, {
        why: 'The resource server reads the access token; an ID-token claim never reaches it.',
        fix: 'Edit the claim: "Include in token type" → Access Token.',
        guideStep: 'Step 4',
      }));
  add(claim.valueType === 'EXPRESSION' && claim.value.replace(/\s+/g, '') === GUIDE.claimExpression
    ? pass('act-claim-expression', 'act claim copies the assertion\'s act', `${claim.value} (the guide's expression; Okta does not document clientAssertion, see the live probe)`)
    : fail('act-claim-expression', 'act claim copies the assertion\'s act', `value ${claim.valueType} "${claim.value}"`, {
        why: 'The claim must take act from the client assertion the agent signed, not from anything else.',
        fix: `Set value type Expression and value ${GUIDE.claimExpression}.`,
        guideStep: 'Step 4',
      }));
  add(claim.status === undefined || claim.status === 'ACTIVE'
    ? pass('act-claim-active', 'act claim is enabled', 'ACTIVE')
    : fail('act-claim-active', 'act claim is enabled', `status ${claim.status}`, {
        why: 'A disabled claim is left out of every token.',
        fix: 'Edit the claim and clear "Disable claim".',
        guideStep: 'Step 4',
      }));
  add(claimCoversScopes(claim, scopes)
    ? pass('act-claim-scopes', 'act claim applies to the requested scopes', (claim.conditions?.scopes ?? []).length ? (claim.conditions?.scopes ?? []).join(', ') : 'any scope')
    : fail('act-claim-scopes', 'act claim applies to the requested scopes', `only for ${(claim.conditions?.scopes ?? []).join(', ')}`, {
        why: 'A claim limited to other scopes is left out of tokens for the requested ones.',
        fix: `Set "Include in" to Any scope, or add ${scopes.join(', ')}.`,
        guideStep: 'Step 4',
      }));
}

async function checkPolicy(org: OrgApi, server: AuthServer, policies: Policy[], connection: Connection, add: (check: Check) => void): Promise<void> {
  const assigned = policies.filter((policy) => policyCoversClient(policy, connection.clientId) && (policy.status ?? 'ACTIVE') === 'ACTIVE');
  if (assigned.length === 0) {
    const inactive = policies.find((policy) => policyCoversClient(policy, connection.clientId));
    add(fail('policy', 'An access policy is assigned to the agent', inactive ? `policy ${inactive.name} is ${inactive.status ?? 'inactive'}` : `no policy of ${server.name} includes ${connection.clientId}`, {
      why: 'Okta answers access_denied ("Policy evaluation failed") when no active policy is assigned to the client.',
      fix: inactive ? `Activate policy ${inactive.name}.` : `Create policy ${GUIDE.policyName} assigned to the agent app (Access Policies → Add New Access Policy), or run \`agbac provision\`.`,
      guideStep: 'Step 5',
    }));
    add(skip('policy-rule', 'A rule allows client credentials', 'no assigned policy'));
    return;
  }
  add(pass('policy', 'An access policy is assigned to the agent', assigned.map((policy) => policy.name).join(', ')));
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
    ? pass('policy-rule', 'A rule allows client credentials', `${found.rule.name} in ${found.policy.name}, token lifetime ${found.rule.actions?.token?.accessTokenLifetimeMinutes ?? '?'} min`)
    : fail('policy-rule', 'A rule allows client credentials', seen.length ? `no active rule allows client_credentials with ${connection.scopes.join(' ') || 'these scopes'} (rules: ${seen.join(', ')})` : 'the policy has no rules', {
        why: 'Okta evaluates the rules of the assigned policy; without a matching active rule it refuses to issue the token.',
        fix: `Add rule "${GUIDE.ruleName}": grant type Client Credentials, scopes Any scopes, access token lifetime ${GUIDE.tokenLifetimeMinutes} minutes.`,
        guideStep: 'Step 5.3',
      }));
}

function checkApp(app: App | undefined, connection: Connection, add: (check: Check) => void): void {
  if (!app) {
    add(fail('app', 'The agent app exists', `no app with client id ${connection.clientId}`, {
      why: 'The assertion\'s iss and sub name this app; Okta cannot authenticate an unknown client.',
      fix: 'Create an API Services app (Applications → Create App Integration → API Services) or run `agbac provision`, and use its client id.',
      guideStep: 'Step 3',
    }));
    return;
  }
  add(app.status === undefined || app.status === 'ACTIVE'
    ? pass('app', 'The agent app exists and is ACTIVE', `${app.label} (${app.id})`)
    : fail('app', 'The agent app exists and is ACTIVE', `${app.label} is ${app.status}`, { why: 'An inactive app cannot obtain tokens.', fix: `Activate ${app.label}.`, guideStep: 'Step 3' }));
  const client = app.settings?.oauthClient;
  add(client?.application_type === 'service'
    ? pass('app-service', 'The app is a service app', 'application_type service')
    : fail('app-service', 'The app is a service app', `application_type ${client?.application_type ?? 'unknown'}`, {
        why: 'Only API Services (service) apps use client_credentials without a user.',
        fix: 'Create the agent as an API Services app.',
        guideStep: 'Step 3.1',
      }));
  const grants = client?.grant_types ?? [];
  add(grants.includes('client_credentials')
    ? pass('app-grant', 'The app may use client credentials', grants.join(', '))
    : fail('app-grant', 'The app may use client credentials', `grant types: ${grants.join(', ') || 'none'}`, {
        why: 'Okta answers unauthorized_client for a grant type the app is not allowed.',
        fix: 'Enable the Client Credentials grant type in the app\'s General Settings.',
        guideStep: 'Step 3.3',
      }));
  const method = app.credentials?.oauthClient?.token_endpoint_auth_method;
  add(method === connection.authMethod
    ? pass('app-auth-method', 'Client authentication matches the assertion', method)
    : fail('app-auth-method', 'Client authentication matches the assertion', `the app uses ${method ?? 'an unknown method'}, the connection signs for ${connection.authMethod}`, {
        why:
          method === 'client_secret_post' || method === 'client_secret_basic'
            ? `With ${method} Okta expects the secret itself, not a signed assertion, and refuses the assertion. The guide's app JSON shows client_secret_post while sending an HS256 assertion; that combination does not work.`
            : 'Okta verifies the assertion only with the app\'s configured client authentication method.',
        fix: `Set the app's client authentication to ${connection.authMethod === 'client_secret_jwt' ? 'Client secret with a signed JWT (client_secret_jwt)' : 'Public key / Private key (private_key_jwt)'}.`,
        guideStep: 'Step 3',
      }));
  if (connection.authMethod === 'private_key_jwt') {
    const keys = client?.jwks?.keys ?? [];
    const match = keys.find((key) => key.kid === connection.kid);
    add(match
      ? pass('app-jwks', 'The app knows the agent\'s public key', `kid ${connection.kid ?? ''}`)
      : fail('app-jwks', 'The app knows the agent\'s public key', keys.length ? `no key with kid ${connection.kid ?? '(none given)'} among ${keys.map((key) => key.kid ?? '?').join(', ')}` : 'no public keys registered', {
          why: 'With private_key_jwt Okta verifies the assertion with the registered key whose kid matches ("The client_assertion JWT kid is invalid." otherwise).',
          fix: 'Register the agent\'s public JWK with the app and give its kid in the connection (`agbac provision` generates and registers one).',
          guideStep: 'Step 3',
        }));
  }
}

async function checkHuman(org: OrgApi, human: Human, group: string | undefined, add: (check: Check) => void): Promise<void> {
  const user = await org.getUser(human.id);
  if (!user) {
    add(fail('human', 'The human exists', `no user ${human.id}`, {
      why: 'act.sub must be a real Okta user id, or no approval and no audit record can match it.',
      fix: 'Look the user id up (`agbac whois <login>`) and use it as act.sub.',
      guideStep: 'Step 7',
    }));
    return;
  }
  add(user.status === 'ACTIVE'
    ? pass('human', 'The human exists and is ACTIVE', `${user.profile.login} (${user.id})`)
    : fail('human', 'The human exists and is ACTIVE', `${user.profile.login} is ${user.status}`, {
        why: 'An agent must not act for a deactivated or suspended person.',
        fix: `Activate ${user.profile.login} (Directory → People), or act for someone else.`,
        guideStep: 'Step 7',
      }));
  if (!group) return;
  const groups = await org.listUserGroups(user.id);
  add(groups.some((candidate) => candidate.profile.name === group)
    ? pass('human-group', `The human is in ${group}`, group)
    : fail('human-group', `The human is in ${group}`, `${user.profile.login} is in ${groups.map((candidate) => candidate.profile.name).join(', ') || 'no groups'}`, {
        why: 'The resource server approves the human by membership of this group; without it every request is denied.',
        fix: `Add ${user.profile.login} to ${group} (Directory → Groups → ${group} → Assign people).`,
        guideStep: 'Step 9 (human authorization)',
      }));
}

async function probe(options: DoctorOptions, credential: SigningCredential, human: Human | undefined, add: (check: Check) => void): Promise<void> {
  const { connection } = options;
  const urls = connectionUrls(connection);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
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
    });
  } catch (error) {
    const advice = error instanceof TokenError ? adviceFor(error.error, error.errorDescription, { tokenEndpoint: urls.tokenEndpoint, clientId: connection.clientId, scopes: connection.scopes }) : undefined;
    add(fail('probe', 'Live token request', messageOf(error), {
      why: advice?.meaning ?? 'The token endpoint could not be reached or answered unexpectedly.',
      fix: advice?.fix ?? 'Check the org URL and the network, then run the doctor again.',
      guideStep: advice?.guideStep ?? 'Step 8',
    }));
    add(skip('probe-verify', 'The token verifies', 'no token'));
    return;
  }
  add(pass('probe', 'Live token request', `${token.tokenType} token, expires in ${token.expiresIn ?? '?'} s, scope ${token.scope ?? '(none)'}`));

  try {
    const metadata = await discover(urls.issuer, { ca: options.ca, timeoutMs: options.timeoutMs });
    const result = await verifyAccessToken(token.accessToken, {
      keys: remoteKeySet(metadata.jwksUri, { ca: options.ca, timeoutMs: options.timeoutMs }),
      issuer: urls.issuer,
      audience: connection.apiAudience,
      requiredScopes: connection.scopes,
      now: clock(),
      correlationId: crypto.randomUUID(),
    });
    const problems = result.findings.filter((finding) => finding.severity === 'error' && finding.code !== 'AGBAC113');
    add(problems.length === 0
      ? pass('probe-verify', 'The token verifies', `signature (kid ${typeof result.header?.kid === 'string' ? result.header.kid : '?'}), issuer, audience, lifetime and scopes`)
      : fail('probe-verify', 'The token verifies', problems.map((finding) => `${finding.code} ${finding.message}`).join('; '), {
          why: 'A resource server will refuse this token.',
          fix: 'Fix what the findings name (`agbac explain <code>`).',
          guideStep: 'Step 9',
        }));
    const act = result.payload?.act;
    if (!human) {
      add(skip('probe-act', 'act comes back in the token', 'no human given'));
    } else if (!isRecord(act)) {
      add(fail('probe-act', 'act comes back in the token', 'the access token has no act claim', {
        why: MISSING_ACT_ADVICE.meaning,
        fix: MISSING_ACT_ADVICE.fix,
        guideStep: MISSING_ACT_ADVICE.guideStep,
      }));
    } else {
      const sent = token.assertion.act;
      const same = JSON.stringify(act) === JSON.stringify(sent);
      add(same
        ? pass('probe-act', 'act comes back in the token', `act.sub ${String(act.sub)}`)
        : fail('probe-act', 'act comes back in the token', `the token's act ${JSON.stringify(act)} differs from the assertion's`, {
            why: 'The access token must name exactly the human the agent named.',
            fix: `Check that the claim's value is ${GUIDE.claimExpression} and nothing else.`,
            guideStep: 'Step 4',
          }));
    }
  } catch (error) {
    add(fail('probe-verify', 'The token verifies', messageOf(error), {
      why: 'The issuer\'s metadata or keys could not be read, so no resource server can verify its tokens either.',
      fix: 'Check that the issuer URL is right and that /.well-known/oauth-authorization-server and /v1/keys answer.',
      guideStep: 'Step 9',
    }));
  }
}

function pass(id: string, title: string, detail: string): Check {
  return { id, title, status: 'pass', detail };
}

function fail(id: string, title: string, detail: string, advice: { why: string; fix: string; guideStep?: string }): Check {
  return { id, title, status: 'fail', detail, ...advice };
}

function skip(id: string, title: string, detail: string): Check {
  return { id, title, status: 'skip', detail };
}

function skipped(ids: string[], reason: string): Check[] {
  return ids.map((id) => skip(id, id, reason));
}
