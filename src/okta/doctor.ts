/**
 * The doctor: checks an Okta org against every step of the setup guide, in the guide's order, then
 * (optionally) makes a live token request and verifies what comes back. Every failed check says
 * what is wrong, why it matters, how to fix it, and the guide's step (the words live in
 * `checks.ts`, one table).
 */
import { ACT_ASSERTION_PARAMETER, buildActAssertion, type Connection, connectionUrls, type Human, isRecord, messageOf, parseJwt, signAssertion, type SigningCredential, verifyAccessToken } from '../core';
import { discover, remoteKeySet, requestToken, TOKEN_EXCHANGE_GRANT_TYPE, TokenError } from '../oauth';
import { type ActDelivery, actAssertionParameters, readHookAnswer, sameUrl, TOKEN_HOOK_TYPE, tokenHookSample } from './act-hook';
import { adviceFor, MISSING_ACT_ADVICE, tokenErrorHint } from './advice';
import { type Check, type CheckId, failed as fail, passed as pass, skipped as skip } from './checks';
import { claimCoversScopes, GUIDE, policyCoversClient, ruleAllows } from './guide';
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
  /**
   * The path to check: act from the guide's claim expression or a token inline hook, or the human
   * from token exchange (their own sign-in); default: what the org shows, with the guide's probe.
   */
  readonly actVia?: DoctorPath;
  /** With `actVia: 'token-exchange'`: a person's access token (`agbac login`) for the live exchange. */
  readonly subjectToken?: string;
  /** The hook's URL, to find a hook that is registered but not attached to the rule. */
  readonly hookUrl?: string;
  /** Fresh ids (act assertion jti, the execute sample's event id); default random UUIDs. */
  readonly newId?: () => string;
}

/** The paths the doctor knows: the two that carry `act` (the agent's word), and token exchange (the human's own sign-in). */
export type DoctorPath = ActDelivery | 'token-exchange';

/** The rule Okta would pick for the agent's token request, and the hook it runs. */
interface Serving {
  readonly assigned: readonly Policy[];
  readonly found: { readonly policy: Policy; readonly rule: PolicyRule } | undefined;
  /** The first ACTIVE rule of an assigned policy that allows token exchange with the scopes. */
  readonly exchange: { readonly policy: Policy; readonly rule: PolicyRule } | undefined;
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
  const app = await org.getApplication(connection.clientId);
  checkApp(app, connection, add);
  const exchangeGrant = (app?.settings?.oauthClient?.grant_types ?? []).includes(TOKEN_EXCHANGE_GRANT_TYPE);
  const exchangeMode = options.actVia === 'token-exchange';

  // Steps 4 and 5 are read together: where act comes from depends on the rule that serves the agent.
  progress('checking the act claim, the access policy and its rule');
  const claims = (await org.listClaims(server.id)).filter((claim) => claim.name === GUIDE.claimName);
  const policies = await org.listPolicies(server.id);
  const serving = await servingRule(org, server, policies, connection);
  const hookState = await findHook(org, serving, options.hookUrl, options.actVia === 'hook' || options.hookUrl !== undefined);
  const hookMode = options.actVia === 'hook' || (options.actVia === undefined && (hookState.attached || options.hookUrl !== undefined));
  add(actPath(claims, hookState, { grant: exchangeGrant, rule: serving.exchange?.rule }, options.actVia));
  if (exchangeMode) add(skip('act-claim', 'the human comes from token exchange, not from act'));
  else if (hookMode && options.actVia === 'hook') add(skip('act-claim', 'act comes from the token inline hook'));
  else if (hookMode && claims.length === 0) add(skip('act-claim', 'act comes from the token inline hook'));
  else checkClaim(claims, scopes, add);

  // Step 5: policy and rule, then the hook on the rule (or, for token exchange, its grant and rule).
  checkPolicy(server, policies, serving, connection, add, exchangeMode);
  if (hookMode) await checkHook(options, hookState, serving, add);
  if (exchangeMode) checkExchange(exchangeGrant, serving, connection, add);
  // Step 7: the human.
  const human = options.human ?? connection.humans[0];
  if (human) {
    progress('checking the human');
    await checkHuman(org, human, connection.group, add);
  }

  // Steps 8 and 9: the live probe (for token exchange: the exchange of a real sign-in).
  if (exchangeMode) await exchangeProbe(options, add);
  else if (options.credential) await probe(options, options.credential, human, hookMode ? hookState.hook?.channel.config?.uri : undefined, add, hookMode);
  else add(skip('probe', 'no client secret or private key given'));
  return checks;
}

/** What each path guarantees about the human, in the words the doctor reports. */
const GUARANTEES = {
  claim: "it carries the agent's word for the human: Okta copies the act the agent wrote, and nobody checks it",
  hook: "it carries the agent's word for the human, checked by the hook (the agent's signature, the human ACTIVE and in the group)",
  exchange: "it carries the human's own sign-in: their access token is the subject, so the agent cannot name anyone else",
} as const;

/**
 * Which paths the org uses, and what each guarantees: the guide's claim expression and a token
 * inline hook carry the agent's word for the human (and hooks fail open); token exchange carries
 * the human's own sign-in.
 */
function actPath(claims: readonly Claim[], state: HookState, exchange: { readonly grant: boolean; readonly rule: PolicyRule | undefined }, asked: DoctorPath | undefined): Check {
  const exchangeReady = exchange.grant && exchange.rule !== undefined;
  const exchangeText = `token exchange (rule ${exchange.rule?.name ?? '?'}): ${GUARANTEES.exchange}`;
  if (asked === 'token-exchange') {
    if (exchangeReady) return pass('act-path', exchangeText, { variant: 'exchange' });
    const missing = !exchange.grant ? 'the agent app does not have the Token Exchange grant' : 'no ACTIVE rule of a policy assigned to the agent allows token exchange with these scopes';
    return fail('act-path', missing, { variant: 'exchange-missing', guideStep: 'Token exchange' });
  }
  const act = actDelivery(claims, state, asked);
  if (!exchangeReady) return act;
  if (act.status === 'pass') return pass('act-path', `${act.detail}; and ${exchangeText}`, { variant: 'exchange' });
  // The org still names the human in its tokens, through token exchange; only the path asked for is missing.
  if (asked === undefined) return pass('act-path', `${exchangeText}; no act claim or token inline hook on the rule that serves the agent, so its own client_credentials tokens carry no human`, { variant: 'exchange' });
  return act;
}

/** The paths that put act into the agent's own token, and the reminder that matters for hooks: they fail open. */
function actDelivery(claims: readonly Claim[], state: HookState, asked: DoctorPath | undefined): Check {
  const claim = claims.length > 0;
  const hook = state.attached && state.hook ? `token inline hook ${state.hook.name} (${state.hook.channel.config?.uri ?? '?'})` : undefined;
  const failOpen = 'hooks fail open: Okta issues the token without act when the hook cannot be reached within 3 s, answers anything but 200, or sends a patch it cannot apply, so resource servers must deny tokens without act';
  if (hook && claim) return pass('act-path', `both: the guide's claim expression and the ${hook}, which runs last; ${failOpen}; ${GUARANTEES.hook}`);
  if (hook) return pass('act-path', `the ${hook}; ${failOpen}; ${GUARANTEES.hook}`);
  if (asked === 'hook') return fail('act-path', 'no token inline hook runs on the rule that serves the agent');
  if (claim) return pass('act-path', `the guide's claim expression (clientAssertion.claims.act), which Okta does not document: the live probe tells whether this org evaluates it; ${GUARANTEES.claim}`);
  return fail('act-path', 'neither the act claim nor a token inline hook on the rule that serves the agent');
}

/** The assigned policies, and the rules Okta evaluates first that allow the agent's client_credentials request and a token exchange. */
async function servingRule(org: OrgApi, server: AuthServer, policies: readonly Policy[], connection: Connection): Promise<Serving> {
  const assigned = policies.filter((policy) => policyCoversClient(policy, connection.clientId) && (policy.status ?? 'ACTIVE') === 'ACTIVE');
  const seen: string[] = [];
  let found: Serving['found'];
  let exchange: Serving['exchange'];
  for (const policy of assigned) {
    if (!policy.id) continue;
    for (const rule of await org.listRules(server.id, policy.id)) {
      seen.push(`${rule.name}${rule.status && rule.status !== 'ACTIVE' ? ` (${rule.status})` : ''}`);
      if (!found && ruleAllows(rule, 'client_credentials', connection.scopes)) found = { policy, rule };
      if (!exchange && ruleAllows(rule, TOKEN_EXCHANGE_GRANT_TYPE, connection.scopes)) exchange = { policy, rule };
    }
  }
  return { assigned, found, exchange, seen };
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

function checkPolicy(server: AuthServer, policies: readonly Policy[], serving: Serving, connection: Connection, add: (check: Check) => void, exchangeMode: boolean): void {
  if (serving.assigned.length === 0) {
    const inactive = policies.find((policy) => policyCoversClient(policy, connection.clientId));
    add(inactive
      ? fail('policy', `policy ${inactive.name} is ${inactive.status ?? 'inactive'}`, { variant: 'inactive', params: { policy: inactive.name } })
      : fail('policy', `no policy of ${server.name} includes ${connection.clientId}`));
    add(skip('policy-rule', 'no assigned policy'));
    return;
  }
  add(pass('policy', serving.assigned.map((policy) => policy.name).join(', ')));
  if (exchangeMode) {
    add(skip('policy-rule', 'token exchange: the rule that matters is the one for the Token Exchange grant'));
    return;
  }
  const { found, seen } = serving;
  add(found
    ? pass('policy-rule', `${found.rule.name} in ${found.policy.name}, token lifetime ${found.rule.actions?.token?.accessTokenLifetimeMinutes ?? '?'} min`)
    : fail('policy-rule', seen.length ? `no active rule allows client_credentials with ${connection.scopes.join(' ') || 'these scopes'} (rules: ${seen.join(', ')})` : 'the policy has no rules'));
}

/** The agent app's Token Exchange grant and the rule that allows it. */
function checkExchange(grant: boolean, serving: Serving, connection: Connection, add: (check: Check) => void): void {
  add(grant ? pass('exchange-grant', TOKEN_EXCHANGE_GRANT_TYPE) : fail('exchange-grant', `the app ${connection.clientId} does not have the Token Exchange grant`));
  const exchange = serving.exchange;
  add(exchange
    ? pass('exchange-rule', `${exchange.rule.name} in ${exchange.policy.name}, token lifetime ${exchange.rule.actions?.token?.accessTokenLifetimeMinutes ?? '?'} min`)
    : fail('exchange-rule', serving.assigned.length ? `no ACTIVE rule allows token exchange with ${connection.scopes.join(' ') || 'these scopes'} (rules: ${serving.seen.join(', ') || 'none'})` : 'no policy is assigned to the agent'));
}

/**
 * Exchanges a person's access token as the agent and reads what comes back: the token must name
 * the subject token's person and the agent (in Okta's on-behalf-of shape or RFC 8693's).
 */
async function exchangeProbe(options: DoctorOptions, add: (check: Check) => void): Promise<void> {
  const { connection, credential, subjectToken } = options;
  if (!credential || !subjectToken) {
    add(skip('exchange-probe', !credential ? 'no client secret or private key given' : "no --subject-token given (a person's access token: agbac login)"));
    return;
  }
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
      exchange: { subjectToken, ...(connection.apiAudience ? { audience: connection.apiAudience } : {}) },
      audienceStyle: connection.audienceStyle,
      ca: options.ca,
      timeoutMs: options.timeoutMs,
      clock,
      hint: tokenErrorHint,
    });
  } catch (error) {
    if (error instanceof TokenError) {
      const advice = adviceFor(error.error, error.errorDescription, { tokenEndpoint: urls.tokenEndpoint, clientId: connection.clientId, scopes: connection.scopes, grantType: TOKEN_EXCHANGE_GRANT_TYPE });
      add(fail('exchange-probe', messageOf(error), { variant: 'refused', params: { meaning: advice.meaning, fix: advice.fix }, ...(advice.guideStep ? { guideStep: advice.guideStep } : {}) }));
    } else {
      add(fail('exchange-probe', messageOf(error)));
    }
    add(skip('exchange-probe-subjects', 'no token'));
    return;
  }
  add(pass('exchange-probe', `${token.tokenType} token, expires in ${token.expiresIn ?? '?'} s, scope ${token.scope ?? '(none)'}`));
  const person = parseJwt(subjectToken);
  const exchanged = parseJwt(token.accessToken);
  const expected = person.ok && typeof person.jwt.payload.uid === 'string' ? person.jwt.payload.uid : undefined;
  if (!exchanged.ok) {
    add(fail('exchange-probe-subjects', `the exchanged token is not a readable JWT: ${exchanged.error.message}`));
    return;
  }
  const claims = exchanged.jwt.payload;
  const act = isRecord(claims.act) ? claims.act : undefined;
  // RFC 8693's shape names the agent in act.sub and the person in sub; Okta's on-behalf-of token has uid and cid.
  const human = act ? claims.sub : claims.uid;
  const agent = act ? act.sub : claims.cid;
  const shape = act ? "RFC 8693's act" : "Okta's on-behalf-of shape";
  add(human === expected && expected !== undefined && agent === connection.clientId
    ? pass('exchange-probe-subjects', `${shape}: the person ${expected}, the agent ${connection.clientId}`)
    : fail('exchange-probe-subjects', `the exchanged token names the person ${JSON.stringify(human)} and the agent ${JSON.stringify(agent)}; expected ${expected ?? '(the subject token has no uid)'} and ${connection.clientId}`));
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
