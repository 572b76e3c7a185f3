/**
 * Provisioning: make an org match the setup guide (or, for the human's own sign-in, the token
 * exchange path beyond it). First a plan (each change named before anything is touched), then an
 * apply that makes exactly those changes. Idempotent: on an org that already matches, the plan is
 * empty. Users are looked up, never created.
 */
import type { JWK } from 'jose';
import { type AuthMethod, InputError } from '../core';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../oauth';
import { type ActDelivery, actHook, sameUrl, TOKEN_HOOK_TYPE } from './act-hook';
import { ManagementError } from './errors';
import { claimCoversScopes, grantRule, GUIDE, guideClaim, guidePolicy, guideRule, guideScope, policyCoversClient, ruleAllows } from './guide';
import type { App, AuthServer, Claim, NewApp, OrgApi, Policy, PolicyRule } from './org';

export interface ProvisionSpec {
  /** An existing server to use; otherwise one named AGBAC-AS is found or created. */
  readonly authServerId?: string;
  /** The API audience (needed to create the server). */
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly authMethod: AuthMethod;
  /** An existing agent app; otherwise one labelled as below is found or created. */
  readonly clientId?: string;
  readonly appLabel?: string;
  /** For private_key_jwt: the agent's public key to register (with its kid). */
  readonly publicJwk?: JWK;
  /**
   * `hook`: act comes from a token inline hook, which is registered (when no token hook has this
   * URL), activated and attached to the rule that serves the agent; the guide's act claim is then
   * not created. Default `assertion`: the guide's claim expression.
   */
  readonly actVia?: ProvisionPath;
  /** With `actVia: 'hook'`: the hook's URL, and the Authorization secret Okta sends it (needed to register it). */
  readonly hook?: { readonly url: string; readonly secret?: string };
  /**
   * With `actVia: 'token-exchange'`: the app people sign in with (by client id, else the one
   * labelled AGBAC Sign-In, else a new one) and the loopback redirect URI to register for it
   * (default http://127.0.0.1:8765/callback; Okta compares the whole URI, port included).
   */
  readonly signIn?: { readonly clientId?: string; readonly redirectUri?: string };
}

/**
 * Where the human comes from: the guide's act claim (`assertion`), a token inline hook (`hook`),
 * or the person's own sign-in exchanged by the agent (`token-exchange`: the agent app gets the
 * Token Exchange grant and a rule that allows it, and people get a native app to sign in with,
 * authorization code with PKCE, served by the same policy; no act claim is needed).
 */
export type ProvisionPath = ActDelivery | 'token-exchange';

export interface PlannedChange {
  readonly action: 'create' | 'update' | 'activate';
  readonly target: string;
  readonly detail: string;
}

/** What cannot be changed automatically; the user must act. */
export interface ProvisionNote {
  readonly target: string;
  readonly message: string;
}

export interface ProvisionResult {
  readonly changes: readonly PlannedChange[];
  readonly notes: readonly ProvisionNote[];
  /** Undefined in a dry run when the server would be created. */
  readonly authServerId: string | undefined;
  readonly clientId: string | undefined;
  /** The new app's client secret, when one was created with client_secret_jwt: store it, never print it. */
  readonly clientSecret?: string;
  /** With a hook: its id (undefined in a dry run that would register it), and whether this run registers it. */
  readonly hookId?: string;
  readonly hookRegistered?: boolean;
  /** With token exchange: the sign-in app's client id (undefined in a dry run that would create it) and its redirect URI. */
  readonly signInClientId?: string;
  readonly signInRedirectUri?: string;
  readonly applied: boolean;
}

interface Step extends PlannedChange {
  readonly apply: () => Promise<void>;
}

/**
 * Works out the changes and, unless `dryRun`, applies them in order. Objects that a dry run would
 * create are referred to by name, as their ids do not exist yet.
 */
export async function provision(org: OrgApi, spec: ProvisionSpec, options: { dryRun: boolean; progress?: (step: string) => void }): Promise<ProvisionResult> {
  const progress = options.progress ?? (() => undefined);
  const notes: ProvisionNote[] = [];
  const done: PlannedChange[] = [];
  const state: { serverId?: string; clientId?: string; clientSecret?: string; hookId?: string; signInClientId?: string } = {};
  const hookMode = spec.actVia === 'hook';
  const exchangeMode = spec.actVia === 'token-exchange';
  const redirectUri = spec.signIn?.redirectUri ?? GUIDE.signInRedirectUri;
  if (hookMode && !spec.hook?.url) throw new InputError('provisioning a token inline hook needs its URL');
  const run = async (step: Step | undefined) => {
    if (!step) return;
    done.push({ action: step.action, target: step.target, detail: step.detail });
    if (options.dryRun) return;
    progress(`${step.action} ${step.target}`);
    await step.apply();
  };

  // Step 1: the authorization server.
  progress('reading the authorization servers');
  const server = await findServer(org, spec);
  if (server) {
    state.serverId = server.id;
    if (!server.audiences.includes(spec.audience)) {
      notes.push({ target: `server ${server.name}`, message: `its audience is ${server.audiences.join(', ')}, not ${spec.audience}; an audience cannot be changed, so tokens will carry ${server.audiences[0] ?? '(none)'}` });
    }
    if (server.status && server.status !== 'ACTIVE') {
      await run({ action: 'activate', target: `server ${server.name}`, detail: `status ${server.status} → ACTIVE`, apply: () => org.activateAuthorizationServer(server.id) });
    }
  } else {
    await run({
      action: 'create',
      target: `server ${GUIDE.serverName}`,
      detail: `audience ${spec.audience}`,
      apply: async () => {
        const created = await org.createAuthorizationServer({ name: GUIDE.serverName, description: GUIDE.serverDescription, audiences: [spec.audience] });
        state.serverId = created.id;
      },
    });
  }
  const serverId = () => required(state.serverId, 'authorization server');

  // Step 2: scopes. Step 4: the act claim.
  progress('reading the scopes and claims');
  const scopes = state.serverId ? new Set((await org.listScopes(state.serverId)).map((scope) => scope.name)) : new Set<string>();
  for (const name of spec.scopes.filter((scope) => !scopes.has(scope))) {
    await run({ action: 'create', target: `scope ${name}`, detail: 'on the authorization server', apply: () => org.createScope(serverId(), guideScope(name)).then(() => undefined) });
  }
  // With a hook, act comes from the hook, and with token exchange there is no act: the guide's
  // claim is not needed then (an existing one is left alone).
  if (!hookMode && !exchangeMode) {
    const claims = state.serverId ? (await org.listClaims(state.serverId)).filter((claim) => claim.name === GUIDE.claimName) : [];
    await run(claimStep(org, claims, spec.scopes, serverId));
  }

  // Step 3: the agent app.
  progress('reading the agent app');
  const app = await findApp(org, spec);
  if (app) {
    state.clientId = app.id;
    await run(appUpdateStep(org, app, spec, notes));
  } else {
    await run({
      action: 'create',
      target: `app ${spec.appLabel ?? GUIDE.appLabel}`,
      detail: `service app, client_credentials${exchangeMode ? ', token exchange' : ''}, ${spec.authMethod}${spec.publicJwk ? `, public key ${spec.publicJwk.kid ?? ''}` : ''}`,
      apply: async () => {
        const created = await org.createApplication(newServiceApp(spec));
        state.clientId = created.id;
        const secret = (created.credentials?.oauthClient as { client_secret?: string } | undefined)?.client_secret;
        if (secret) state.clientSecret = secret;
      },
    });
  }
  const clientId = () => required(state.clientId, 'agent app');

  // Token exchange: the app people sign in with.
  if (exchangeMode) {
    progress('reading the sign-in app');
    const signInApp = await findSignInApp(org, spec);
    if (signInApp) {
      state.signInClientId = signInApp.id;
      await run(signInUpdateStep(org, signInApp, redirectUri, notes));
    } else {
      await run({
        action: 'create',
        target: `app ${GUIDE.signInAppLabel}`,
        detail: `native app people sign in with: authorization code with PKCE, redirect URI ${redirectUri}`,
        apply: async () => {
          state.signInClientId = (await org.createApplication(newSignInApp(redirectUri))).id;
        },
      });
      notes.push({ target: `app ${GUIDE.signInAppLabel}`, message: 'assign the people who will delegate (or their group) to it: Okta refuses a sign-in to an app the person is not assigned to' });
    }
  }
  const signInClientId = () => required(state.signInClientId, 'sign-in app');

  // Step 5: the access policy and its rule.
  progress('reading the access policies');
  const policies = state.serverId ? await org.listPolicies(state.serverId) : [];
  const assigned = state.clientId ? policies.find((policy) => policyCoversClient(policy, state.clientId ?? '') && (policy.status ?? 'ACTIVE') === 'ACTIVE') : undefined;
  const named = policies.find((policy) => policy.name === GUIDE.policyName);
  const policyId: { value?: string } = { value: assigned?.id };
  // With token exchange, the sign-in app is served by a policy too: one of its own, else the agent's.
  const signInServed = exchangeMode && state.signInClientId
    ? policies.find((policy) => policyCoversClient(policy, state.signInClientId ?? '') && (policy.status ?? 'ACTIVE') === 'ACTIVE')
    : undefined;
  const addSignIn = exchangeMode && !signInServed;
  if (!assigned && named?.id) {
    const id = named.id;
    policyId.value = id;
    await run({
      action: 'update',
      target: `policy ${named.name}`,
      detail: addSignIn ? 'assign it to the agent app and the sign-in app' : 'assign it to the agent app',
      apply: () => org.replacePolicy(serverId(), id, withClients(named, addSignIn ? [clientId(), signInClientId()] : [clientId()])).then(() => undefined),
    });
  } else if (!assigned) {
    await run({
      action: 'create',
      target: `policy ${GUIDE.policyName}`,
      detail: addSignIn ? 'assigned to the agent app and the sign-in app' : 'assigned to the agent app',
      apply: async () => {
        const policy = guidePolicy(clientId());
        policyId.value = (await org.createPolicy(serverId(), addSignIn ? withClients(policy, [signInClientId()]) : policy)).id;
      },
    });
  } else if (addSignIn && assigned.id) {
    const id = assigned.id;
    await run({
      action: 'update',
      target: `policy ${assigned.name}`,
      detail: 'assign it to the sign-in app as well',
      apply: () => org.replacePolicy(serverId(), id, withClients(assigned, [signInClientId()])).then(() => undefined),
    });
  }
  // The token inline hook: registered (or found by its URL) and ACTIVE before a rule can name it.
  let hookRegistered = false;
  if (hookMode && spec.hook) {
    const { url, secret } = spec.hook;
    const existing = (await org.listInlineHooks(TOKEN_HOOK_TYPE)).find((hook) => sameUrl(hook.channel.config?.uri ?? '', url));
    if (existing?.id) {
      const id = existing.id;
      state.hookId = id;
      if (existing.status && existing.status !== 'ACTIVE') {
        await run({ action: 'activate', target: `inline hook ${existing.name}`, detail: `status ${existing.status} → ACTIVE`, apply: () => org.activateInlineHook(id).then(() => undefined) });
      }
    } else {
      if (!secret) throw new InputError('registering the token inline hook needs the Authorization secret Okta will send it');
      hookRegistered = true;
      const wanted = actHook(url, secret);
      await run({
        action: 'create',
        target: `inline hook ${wanted.name}`,
        detail: `${TOKEN_HOOK_TYPE} at ${url}, Authorization header secret`,
        apply: async () => {
          const created = await org.createInlineHook(wanted);
          state.hookId = required(created.id, 'inline hook');
          if (created.status && created.status !== 'ACTIVE') await org.activateInlineHook(state.hookId);
        },
      });
    }
  }
  const hookId = () => required(state.hookId, 'inline hook');

  const rules = state.serverId && policyId.value ? await org.listRules(state.serverId, policyId.value) : [];
  if (exchangeMode) {
    // The agent exchanges in the policy assigned to it; people sign in under the policy that serves the sign-in app.
    const signInRules = signInServed?.id && state.serverId ? (signInServed.id === policyId.value ? rules : await org.listRules(state.serverId, signInServed.id)) : rules;
    const signInPolicyId = () => required(signInServed?.id ?? policyId.value, 'policy');
    await run(grantRuleStep(org, rules, TOKEN_EXCHANGE_GRANT_TYPE, GUIDE.exchangeRuleName, spec.scopes, serverId, () => required(policyId.value, 'policy')));
    const sameList = signInRules === rules;
    await run(grantRuleStep(org, signInRules, 'authorization_code', GUIDE.signInRuleName, spec.scopes, serverId, signInPolicyId, sameList && !rules.some((rule) => ruleAllows(rule, TOKEN_EXCHANGE_GRANT_TYPE, spec.scopes)) ? 1 : 0));
  } else {
    const allowing = rules.find((rule) => ruleAllows(rule, 'client_credentials', spec.scopes));
    if (!allowing) {
      await run({
        action: 'create',
        target: `rule ${GUIDE.ruleName}`,
        detail: `client_credentials, any scope, ${GUIDE.tokenLifetimeMinutes} min tokens${hookMode ? ', running the inline hook' : ''}`,
        apply: () => org.createRule(serverId(), required(policyId.value, 'policy'), hookMode ? withHook(guideRule(), hookId()) : guideRule()).then(() => undefined),
      });
    } else if (hookMode && (!state.hookId || allowing.actions?.token?.inlineHook?.id !== state.hookId) && allowing.id) {
      const ruleId = allowing.id;
      const current = allowing.actions?.token?.inlineHook?.id;
      await run({
        action: 'update',
        target: `rule ${allowing.name}`,
        detail: current ? `run the act hook instead of inline hook ${current}` : 'run the act hook (Use this inline hook)',
        apply: () => org.replaceRule(serverId(), required(policyId.value, 'policy'), ruleId, withHook(allowing, hookId())).then(() => undefined),
      });
    }
  }

  return {
    ...(state.hookId ? { hookId: state.hookId } : {}),
    ...(hookMode ? { hookRegistered } : {}),
    changes: done,
    notes,
    authServerId: state.serverId,
    clientId: state.clientId,
    ...(state.clientSecret ? { clientSecret: state.clientSecret } : {}),
    ...(state.signInClientId ? { signInClientId: state.signInClientId } : {}),
    ...(exchangeMode ? { signInRedirectUri: redirectUri } : {}),
    applied: !options.dryRun,
  };
}

async function findServer(org: OrgApi, spec: ProvisionSpec): Promise<AuthServer | undefined> {
  if (spec.authServerId) {
    const server = await org.getAuthorizationServer(spec.authServerId);
    if (server) return server;
  }
  return (await org.listAuthorizationServers()).find((server) => server.name === GUIDE.serverName);
}

async function findApp(org: OrgApi, spec: ProvisionSpec): Promise<App | undefined> {
  if (spec.clientId) {
    const app = await org.getApplication(spec.clientId);
    if (app) return app;
  }
  const label = spec.appLabel ?? GUIDE.appLabel;
  return (await org.listApplications(label)).find((app) => app.label === label && app.settings?.oauthClient?.application_type === 'service');
}

function claimStep(org: OrgApi, claims: Claim[], scopes: readonly string[], serverId: () => string): Step | undefined {
  const wanted = guideClaim();
  const current = claims.find((claim) => claim.claimType === 'RESOURCE') ?? claims[0];
  if (!current) {
    return { action: 'create', target: 'claim act', detail: `access token, ${wanted.value}, any scope`, apply: () => org.createClaim(serverId(), wanted).then(() => undefined) };
  }
  const matches =
    current.claimType === 'RESOURCE' &&
    current.valueType === 'EXPRESSION' &&
    current.value.replace(/\s+/g, '') === wanted.value &&
    (current.status ?? 'ACTIVE') === 'ACTIVE' &&
    claimCoversScopes(current, scopes);
  if (matches || !current.id) return undefined;
  const id = current.id;
  return { action: 'update', target: 'claim act', detail: `set to access token, ${wanted.value}, any scope, ACTIVE`, apply: () => org.replaceClaim(serverId(), id, { ...wanted, id }).then(() => undefined) };
}

function appUpdateStep(org: OrgApi, app: App, spec: ProvisionSpec, notes: ProvisionNote[]): Step | undefined {
  const wantedGrants = agentGrants(spec);
  const client = app.settings?.oauthClient;
  if (client?.application_type && client.application_type !== 'service') {
    notes.push({ target: `app ${app.label}`, message: `it is a ${client.application_type} app; client_credentials needs an API Services (service) app` });
  }
  const grants = client?.grant_types ?? [];
  const method = app.credentials?.oauthClient?.token_endpoint_auth_method;
  const keys = client?.jwks?.keys ?? [];
  const needsKey = spec.authMethod === 'private_key_jwt' && spec.publicJwk && !keys.some((key) => key.kid === spec.publicJwk?.kid);
  const missingGrants = wantedGrants.filter((grant) => !grants.includes(grant));
  const reasons = [
    ...missingGrants.map((grant) => `allow ${grant === TOKEN_EXCHANGE_GRANT_TYPE ? 'token exchange' : grant}`),
    ...(method === spec.authMethod ? [] : [`client authentication ${method ?? 'unknown'} → ${spec.authMethod}`]),
    ...(needsKey ? [`register public key ${spec.publicJwk?.kid ?? ''}`] : []),
  ];
  if (reasons.length === 0) return undefined;
  const updated: App = {
    ...app,
    credentials: { ...app.credentials, oauthClient: { ...app.credentials?.oauthClient, token_endpoint_auth_method: spec.authMethod } },
    settings: {
      ...app.settings,
      oauthClient: {
        ...client,
        grant_types: [...grants, ...missingGrants],
        ...(needsKey && spec.publicJwk ? { jwks: { keys: [...keys, spec.publicJwk] } } : {}),
      },
    },
  };
  return { action: 'update', target: `app ${app.label}`, detail: reasons.join('; '), apply: () => org.replaceApplication(app.id, updated).then(() => undefined) };
}

/** The agent app's grants: client_credentials (a service app always has it), and token exchange for that path. */
function agentGrants(spec: ProvisionSpec): string[] {
  return spec.actVia === 'token-exchange' ? ['client_credentials', TOKEN_EXCHANGE_GRANT_TYPE] : ['client_credentials'];
}

function newServiceApp(spec: ProvisionSpec): NewApp {
  const label = spec.appLabel ?? GUIDE.appLabel;
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: spec.authMethod, autoKeyRotation: true } },
    settings: {
      oauthClient: {
        grant_types: agentGrants(spec),
        response_types: ['token'],
        application_type: 'service',
        ...(spec.authMethod === 'private_key_jwt' && spec.publicJwk ? { jwks: { keys: [spec.publicJwk] } } : {}),
      },
    },
  };
}

/** A rule that runs the hook (Okta runs one inline hook per rule). */
function withHook(rule: PolicyRule, hookId: string): PolicyRule {
  return { ...rule, actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: hookId } } } };
}

function withClients(policy: Policy, clientIds: readonly string[]): Policy {
  const include = policy.conditions?.clients?.include ?? [];
  return { ...policy, conditions: { ...policy.conditions, clients: { include: [...include, ...clientIds.filter((id) => !include.includes(id))] } } };
}

/** A rule for the grant, unless one of `rules` already allows it; `pending` counts rules this run creates before it (for its priority). */
function grantRuleStep(
  org: OrgApi,
  rules: readonly PolicyRule[],
  grantType: string,
  name: string,
  scopes: readonly string[],
  serverId: () => string,
  policyId: () => string,
  pending = 0,
): Step | undefined {
  if (rules.some((rule) => ruleAllows(rule, grantType, scopes))) return undefined;
  const priority = rules.length + pending + 1;
  return {
    action: 'create',
    target: `rule ${name}`,
    detail: `${grantType === TOKEN_EXCHANGE_GRANT_TYPE ? 'token exchange' : grantType}, any scope, everyone, ${GUIDE.tokenLifetimeMinutes} min tokens`,
    apply: () => org.createRule(serverId(), policyId(), grantRule(name, grantType, priority)).then(() => undefined),
  };
}

async function findSignInApp(org: OrgApi, spec: ProvisionSpec): Promise<App | undefined> {
  if (spec.signIn?.clientId) {
    const app = await org.getApplication(spec.signIn.clientId);
    if (app) return app;
  }
  return (await org.listApplications(GUIDE.signInAppLabel)).find((app) => app.label === GUIDE.signInAppLabel && app.settings?.oauthClient?.application_type === 'native');
}

/** A native app for people to sign in with: authorization code with PKCE, no client secret, the loopback redirect URI. */
function newSignInApp(redirectUri: string): NewApp {
  return {
    name: 'oidc_client',
    label: GUIDE.signInAppLabel,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'none', pkce_required: true } },
    settings: { oauthClient: { grant_types: ['authorization_code'], response_types: ['code'], application_type: 'native', redirect_uris: [redirectUri] } },
  };
}

function signInUpdateStep(org: OrgApi, app: App, redirectUri: string, notes: ProvisionNote[]): Step | undefined {
  const client = app.settings?.oauthClient;
  if (client?.application_type && client.application_type !== 'native') {
    notes.push({ target: `app ${app.label}`, message: `it is a ${client.application_type} app; people sign in to a native app (no client secret, PKCE) so that the toolkit can redeem the code itself` });
    return undefined;
  }
  const grants = client?.grant_types ?? [];
  const uris = client?.redirect_uris ?? [];
  const credentials = app.credentials?.oauthClient;
  const reasons = [
    ...(grants.includes('authorization_code') ? [] : ['allow authorization_code']),
    ...(credentials?.pkce_required === false ? ['require PKCE'] : []),
    ...(uris.includes(redirectUri) ? [] : [`register redirect URI ${redirectUri}`]),
  ];
  if (reasons.length === 0) return undefined;
  const updated: App = {
    ...app,
    credentials: { ...app.credentials, oauthClient: { ...credentials, pkce_required: true } },
    settings: {
      ...app.settings,
      oauthClient: {
        ...client,
        grant_types: grants.includes('authorization_code') ? grants : [...grants, 'authorization_code'],
        response_types: client?.response_types?.includes('code') ? client.response_types : [...(client?.response_types ?? []), 'code'],
        redirect_uris: uris.includes(redirectUri) ? uris : [...uris, redirectUri],
      },
    },
  };
  return { action: 'update', target: `app ${app.label}`, detail: reasons.join('; '), apply: () => org.replaceApplication(app.id, updated).then(() => undefined) };
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new ManagementError(`Okta answered without the ${what}'s id: it may not have been created`, undefined, undefined);
  return value;
}
