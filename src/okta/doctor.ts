/**
 * The doctor: checks an Okta org against every step of the setup guide, in the guide's order, then
 * (optionally) makes a live token request and verifies what comes back. Every failed check says
 * what is wrong, why it matters, how to fix it, and the guide's step (the words live in
 * `checks.ts`, one table).
 */
import { ACT_ASSERTION_PARAMETER, buildActAssertion, type Connection, connectionUrls, type Human, isRecord, messageOf, signAssertion, type SigningCredential, verifyAccessToken } from '../core';
import { discover, remoteKeySet, requestToken, TokenError } from '../oauth';
import { type ActDelivery, actAssertionParameters, readHookAnswer, sameUrl, TOKEN_HOOK_TYPE, tokenHookSample } from './act-hook';
import { adviceFor, MISSING_ACT_ADVICE, tokenErrorHint } from './advice';
import { type Check, type CheckId, failed as fail, passed as pass, skipped as skip } from './checks';
import { claimCoversScopes, GUIDE, policyCoversClient, ruleCoversScopes } from './guide';
import type { App, AuthServer, Claim, InlineHook, OrgApi, Policy, PolicyRule } from './org';

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
  /** How act reaches the token: the guide's claim expression or a token inline hook; default: what the org shows. */
  readonly actVia?: ActDelivery;
  /** The hook's URL, to find a hook that is registered but not attached to the rule. */
  readonly hookUrl?: string;
  /** Fresh ids (act assertion jti, the execute sample's event id); default random UUIDs. */
  readonly newId?: () => string;
}

/** The rule Okta would pick for the agent's token request, and the hook it runs. */
interface Serving {
  readonly assigned: readonly Policy[];
  readonly found: { readonly policy: Policy; readonly rule: PolicyRule } | undefined;
  /** Every rule seen, for the failure's detail. */
  readonly seen: readonly string[];
}

/** The token inline hook the doctor checks: the one on the serving rule, or one registered at the given URL. */
interface HookState {
  readonly hook: InlineHook | undefined;
  readonly attached: boolean;
  /** The id the serving rule names, when it names one. */
  readonly ruleHookId: string | undefined;
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

  // Steps 4 and 5 are read together: where act comes from depends on the rule that serves the agent.
  progress('checking the act claim, the access policy and its rule');
  const claims = (await org.listClaims(server.id)).filter((claim) => claim.name === GUIDE.claimName);
  const policies = await org.listPolicies(server.id);
  const serving = await servingRule(org, server, policies, connection);
  const hookState = await findHook(org, serving, options.hookUrl, options.actVia === 'hook' || options.hookUrl !== undefined);
  const hookMode = options.actVia === 'hook' || (options.actVia === undefined && (hookState.attached || options.hookUrl !== undefined));
  add(actPath(claims, hookState, options.actVia));
  if (hookMode && options.actVia === 'hook') add(skip('act-claim', 'act comes from the token inline hook'));
  else if (hookMode && claims.length === 0) add(skip('act-claim', 'act comes from the token inline hook'));
  else checkClaim(claims, scopes, add);

  // Step 5: policy and rule, then the hook on the rule.
  checkPolicy(server, policies, serving, connection, add);
  if (hookMode) await checkHook(options, hookState, serving, add);
  // Step 7: the human.
  const human = options.human ?? connection.humans[0];
  if (human) {
    progress('checking the human');
    await checkHuman(org, human, connection.group, add);
  }

  // Steps 8 and 9: the live probe.
  if (options.credential) await probe(options, options.credential, human, hookMode ? hookState.hook?.channel.config?.uri : undefined, add, hookMode);
  else add(skip('probe', 'no client secret or private key given'));
  return checks;
}

/** Which path the org uses, and the reminder that matters for hooks: they fail open. */
function actPath(claims: readonly Claim[], state: HookState, asked: ActDelivery | undefined): Check {
  const claim = claims.length > 0;
  const hook = state.attached && state.hook ? `token inline hook ${state.hook.name} (${state.hook.channel.config?.uri ?? '?'})` : undefined;
  const failOpen = 'hooks fail open: Okta issues the token without act when the hook cannot be reached within 3 s, answers anything but 200, or sends a patch it cannot apply, so resource servers must deny tokens without act';
  if (hook && claim) return pass('act-path', `both: the guide's claim expression and the ${hook}, which runs last; ${failOpen}`);
  if (hook) return pass('act-path', `the ${hook}; ${failOpen}`);
  if (asked === 'hook') return fail('act-path', 'no token inline hook runs on the rule that serves the agent');
  if (claim) return pass('act-path', "the guide's claim expression (clientAssertion.claims.act), which Okta does not document: the live probe tells whether this org evaluates it");
  return fail('act-path', 'neither the act claim nor a token inline hook on the rule that serves the agent');
}

/** The assigned policies, and the rule Okta evaluates first that allows the agent's request. */
async function servingRule(org: OrgApi, server: AuthServer, policies: readonly Policy[], connection: Connection): Promise<Serving> {
  const assigned = policies.filter((policy) => policyCoversClient(policy, connection.clientId) && (policy.status ?? 'ACTIVE') === 'ACTIVE');
  const seen: string[] = [];
  for (const policy of assigned) {
    if (!policy.id) continue;
    for (const rule of await org.listRules(server.id, policy.id)) {
      seen.push(`${rule.name}${rule.status && rule.status !== 'ACTIVE' ? ` (${rule.status})` : ''}`);
      const grants = rule.conditions?.grantTypes?.include ?? [];
      if ((rule.status ?? 'ACTIVE') === 'ACTIVE' && grants.includes('client_credentials') && ruleCoversScopes(rule, connection.scopes)) {
        return { assigned, found: { policy, rule }, seen };
      }
    }
  }
  return { assigned, found: undefined, seen };
}

async function findHook(org: OrgApi, serving: Serving, hookUrl: string | undefined, lookForOne: boolean): Promise<HookState> {
  const ruleHookId = serving.found?.rule.actions?.token?.inlineHook?.id ?? undefined;
  if (ruleHookId) {
    const hook = await org.getInlineHook(ruleHookId);
    if (hook) return { hook, attached: true, ruleHookId };
  }
  // Listing hooks needs okta.inlineHooks.read, which an org that does not use hooks may not grant.
  if (!lookForOne) return { hook: undefined, attached: false, ruleHookId };
  const hooks = await org.listInlineHooks(TOKEN_HOOK_TYPE);
  const byUrl = hookUrl ? hooks.find((hook) => sameUrl(hook.channel.config?.uri ?? '', hookUrl)) : undefined;
  return { hook: byUrl ?? (hookUrl ? undefined : hooks.length === 1 ? hooks[0] : undefined), attached: false, ruleHookId };
}

/** Registered, ACTIVE, attached to the serving rule, and answering Okta's request well. */
async function checkHook(options: DoctorOptions, state: HookState, serving: Serving, add: (check: Check) => void): Promise<void> {
  const { hook } = state;
  if (!hook?.id) {
    add(fail('hook-registered', state.ruleHookId ? `the rule names hook ${state.ruleHookId}, which does not exist` : options.hookUrl ? `no token inline hook is registered at ${options.hookUrl}` : 'no token inline hook is registered'));
    return;
  }
  const uri = hook.channel.config?.uri ?? '';
  add(pass('hook-registered', `${hook.name} (${hook.id}) at ${uri}`));
  const name = { hook: hook.name };
  add(hook.status === undefined || hook.status === 'ACTIVE' ? pass('hook-active', 'ACTIVE') : fail('hook-active', `status ${hook.status}`, { params: name }));
  const rule = serving.found?.rule;
  add(state.attached
    ? pass('hook-attached', `rule ${rule?.name ?? '?'}`)
    : fail('hook-attached', rule ? `rule ${rule.name} runs ${state.ruleHookId ? `another hook (${state.ruleHookId})` : 'no inline hook'}` : 'no rule serves the agent', { params: { ...name, rule: rule?.name ?? GUIDE.ruleName } }));
  if (hook.status !== undefined && hook.status !== 'ACTIVE') {
    add(skip('hook-execute', 'the hook is not ACTIVE'));
    return;
  }
  await executeHook(options, hook, uri, serving, add);
}

/**
 * Sends Okta's request shape through `execute`: with a signed act assertion for the human when the
 * doctor has the agent's credential (the answer must add act for them), else without one (the
 * answer must be a well-formed error).
 */
async function executeHook(options: DoctorOptions, hook: InlineHook, uri: string, serving: Serving, add: (check: Check) => void): Promise<void> {
  const { connection } = options;
  const urls = connectionUrls(connection);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const newId = options.newId ?? (() => crypto.randomUUID());
  const human = options.human ?? connection.humans[0];
  let tokenUrl = urls.tokenEndpoint;
  if (options.credential && human) {
    const payload = buildActAssertion({ clientId: connection.clientId, hookUrl: uri, human, now: clock(), jti: newId() });
    tokenUrl += `?${ACT_ASSERTION_PARAMETER}=${encodeURIComponent(await signAssertion(payload, options.credential))}`;
  }
  const sample = tokenHookSample({
    tokenUrl,
    issuer: urls.issuer,
    audience: connection.apiAudience,
    clientId: connection.clientId,
    scopes: connection.scopes,
    policyId: serving.found?.policy.id,
    ruleId: serving.found?.rule.id,
    now: clock(),
    eventId: newId(),
  });
  let answer: unknown;
  try {
    answer = await options.org.executeInlineHook(hook.id ?? '', sample);
  } catch (error) {
    add(fail('hook-execute', `Okta could not execute the hook: ${messageOf(error)}`));
    return;
  }
  const reading = readHookAnswer(answer);
  const withAssertion = tokenUrl !== urls.tokenEndpoint;
  if (reading.kind === 'malformed') add(fail('hook-execute', `the answer is not one Okta can use: ${reading.problem}`));
  else if (!withAssertion) {
    add(reading.kind === 'error'
      ? pass('hook-execute', `a well-formed error for a request without an act assertion ("${reading.summary}"); give the agent's credential to try a real one`)
      : fail('hook-execute', 'it answered a request without an act assertion with a patch: it must refuse (error) when it cannot vouch for a human'));
  } else if (reading.kind === 'error') add(fail('hook-execute', `it refused: ${reading.summary}`));
  else if (isRecord(reading.act) && reading.act.sub === human?.id) add(pass('hook-execute', `a patch adding act for ${human?.id ?? '?'}`));
  else add(fail('hook-execute', reading.act === undefined ? 'its patch does not add act' : `its patch adds act ${JSON.stringify(reading.act).slice(0, 120)}, not the human the assertion named`));
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

function checkPolicy(server: AuthServer, policies: readonly Policy[], serving: Serving, connection: Connection, add: (check: Check) => void): void {
  if (serving.assigned.length === 0) {
    const inactive = policies.find((policy) => policyCoversClient(policy, connection.clientId));
    add(inactive
      ? fail('policy', `policy ${inactive.name} is ${inactive.status ?? 'inactive'}`, { variant: 'inactive', params: { policy: inactive.name } })
      : fail('policy', `no policy of ${server.name} includes ${connection.clientId}`));
    add(skip('policy-rule', 'no assigned policy'));
    return;
  }
  add(pass('policy', serving.assigned.map((policy) => policy.name).join(', ')));
  const { found, seen } = serving;
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

async function probe(
  options: DoctorOptions,
  credential: SigningCredential,
  human: Human | undefined,
  hookUrl: string | undefined,
  add: (check: Check) => void,
  hookMode: boolean,
): Promise<void> {
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
      // With a hook the human travels in the act assertion, and the client assertion carries none.
      human: hookMode ? undefined : human,
      ...(hookMode && hookUrl && human
        ? { urlParameters: actAssertionParameters({ clientId: connection.clientId, hookUrl, human, credential, clock, newId: options.newId ?? (() => crypto.randomUUID()) }) }
        : {}),
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
      // The agent is the connection's own client; the doctor checks the human in the directory
      // itself (step 7), so the probe checks the token.
      approvedAgents: [connection.clientId],
      humanApproval: { kind: 'waived' },
      now: clock(),
      correlationId: crypto.randomUUID(),
    });
    const problems = result.findings.filter((finding) => finding.severity === 'error' && finding.code !== 'AGBAC113');
    add(problems.length === 0
      ? pass('probe-verify', `signature (kid ${typeof result.header?.kid === 'string' ? result.header.kid : '?'}), issuer, audience, lifetime and scopes`)
      : fail('probe-verify', problems.map((finding) => `${finding.code} ${finding.message}`).join('; ')));
    const act = result.payload?.act;
    if (hookMode) {
      if (!human) add(skip('hook-probe-act', 'no human given'));
      else if (!isRecord(act)) add(fail('hook-probe-act', 'the access token has no act claim'));
      else add(act.sub === human.id ? pass('hook-probe-act', `act.sub ${human.id}`) : fail('hook-probe-act', `the token's act.sub is ${JSON.stringify(act.sub)}, the act assertion named ${human.id}`, { variant: 'other' }));
    } else if (!human) {
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
