/**
 * {@link OrgApi} over the official @okta/okta-sdk-nodejs, configured explicitly: no okta.yaml, no
 * OKTA_CLIENT_* variables, no response cache. The SDK is loaded on first use only.
 *
 * In PrivateKey mode the SDK hides why its own token request failed (the caller later sees only
 * "E0000011 Invalid token provided"); the request executor here reads that answer first and
 * reports the real cause.
 */
import { Agent } from 'node:https';
import { isRecord, messageOf, normalizeOrgUrl } from '../core';
import { adviceFor } from './advice';
import { ManagementError } from './errors';
import type { App, AuthServer, Claim, Group, InlineHook, NewApp, OrgApi, Policy, PolicyRule, Scope, User } from './org';

type OktaSdk = typeof import('@okta/okta-sdk-nodejs');
type OktaClient = InstanceType<OktaSdk['Client']>;

export type ManagementCredential =
  | { readonly kind: 'api-token'; readonly token: string }
  | {
      readonly kind: 'private-key';
      readonly clientId: string;
      /** PKCS#8 PEM or a private JWK as JSON text. */
      readonly privateKey: string;
      readonly keyId?: string;
      readonly scopes: readonly string[];
    };

export interface ManagementOptions {
  readonly orgUrl: string;
  readonly credential: ManagementCredential;
  /** Extra trusted CA (PEM), for a local HTTPS org. */
  readonly ca?: string;
  /** Per request; default 15 s. */
  readonly timeoutMs?: number;
}

/** The scopes the toolkit's Management calls need in PrivateKey (OAuth service app) mode. */
export const MANAGEMENT_SCOPES = ['okta.authorizationServers.manage', 'okta.apps.manage', 'okta.users.read', 'okta.groups.read'] as const;

/** Connects to an org's Management API. */
export async function connectOrg(options: ManagementOptions): Promise<OrgApi> {
  const sdk = await import('@okta/okta-sdk-nodejs');
  const orgUrl = normalizeOrgUrl(options.orgUrl);
  const executor = surfacingExecutor(sdk, options);
  // The SDK fills the fields it is not given from okta.yaml files and OKTA_CLIENT_* variables;
  // every one of them is given here (empty when unused), and given values win.
  const base = { orgUrl, cacheMiddleware: null, requestExecutor: executor, userAgent: 'agbac-toolkit', token: '', clientId: '', scopes: '', privateKey: '', keyId: '' };
  const config =
    options.credential.kind === 'api-token'
      ? { ...base, authorizationMode: 'SSWS', token: options.credential.token }
      : {
          ...base,
          authorizationMode: 'PrivateKey',
          clientId: options.credential.clientId,
          scopes: [...options.credential.scopes],
          privateKey: options.credential.privateKey,
          keyId: options.credential.keyId ?? '',
        };
  const client = new sdk.Client(config as unknown as ConstructorParameters<OktaSdk['Client']>[0]);
  return new SdkOrg(client, orgUrl);
}

interface SdkRequest {
  url: string;
  agent?: unknown;
}
interface SdkResponse {
  status: number;
  clone(): { text(): Promise<string> };
}

function surfacingExecutor(sdk: OktaSdk, options: ManagementOptions) {
  const agent = options.ca ? new Agent({ ca: options.ca, keepAlive: true }) : undefined;
  const Base = sdk.DefaultRequestExecutor as unknown as new (config: object) => { fetch(request: SdkRequest): Promise<SdkResponse> };
  class SurfacingExecutor extends Base {
    override async fetch(request: SdkRequest): Promise<SdkResponse> {
      if (agent) request.agent = agent;
      const response = await super.fetch(request);
      if (request.url.endsWith('/oauth2/v1/token') && response.status !== 200) {
        throw await tokenFailure(response, request.url);
      }
      return response;
    }
  }
  return new SurfacingExecutor({ requestTimeout: options.timeoutMs ?? 15_000, maxRetries: 2 });
}

/**
 * The real reason the SDK's own token request failed. The error carries no HTTP status on purpose:
 * the SDK retries a 401 once more, which would only repeat the same refused request.
 */
async function tokenFailure(response: SdkResponse, url: string): Promise<ManagementError> {
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
  const description = isRecord(body) && typeof body.error_description === 'string' ? body.error_description : undefined;
  const fix =
    error === 'invalid_scope'
      ? 'Grant the Okta API scopes to the service app (its Okta API Scopes tab, or POST /api/v1/apps/{appId}/grants): ' + MANAGEMENT_SCOPES.join(', ') + '.'
      : adviceFor(error, description, {}).fix;
  return new ManagementError(
    `the Management API service app could not get a token from ${url} (HTTP ${response.status}): ${error}${description ? `: ${description.replace(/\.\s*$/, '')}` : ''}. ${fix}`,
    undefined,
    error,
  );
}

/** Okta's error body, made into one line with what to do. */
function managementError(error: unknown, what: string): ManagementError {
  if (error instanceof ManagementError) return error;
  const status = isRecord(error) && typeof error.status === 'number' ? error.status : undefined;
  const code = isRecord(error) && typeof error.errorCode === 'string' ? error.errorCode : undefined;
  const summary = isRecord(error) && typeof error.errorSummary === 'string' ? error.errorSummary : messageOf(error);
  const hint =
    code === 'E0000011' ? ' The API token is invalid, expired or revoked: create one under Security → API → Tokens.'
    : code === 'E0000006' ? ' The credential lacks the permission: use an API token of an admin who may manage authorization servers and apps, or grant the service app the okta.* scopes.'
    : code === 'E0000047' ? ' Okta is rate limiting the Management API: wait and try again.'
    : '';
  return new ManagementError(`${what}: ${status ? `HTTP ${status} ` : ''}${code ? `${code} ` : ''}${summary}.${hint}`, status, code, { cause: error });
}

/** Fields Okta sets itself. Sent back as JSON strings they break the SDK's serializer (it expects Dates), and Okta ignores them anyway. */
const READ_ONLY = ['created', 'lastUpdated', 'activated', 'statusChanged', 'lastLogin', 'passwordChanged', '_links', '_embedded'];

/** An object as it may be written back: without the read-only fields. */
function writable(value: object): never {
  const copy: Record<string, unknown> = { ...value };
  for (const field of READ_ONLY) delete copy[field];
  return copy as never;
}

function plain<T>(model: unknown): T {
  return JSON.parse(JSON.stringify(model)) as T;
}

async function all<T>(collection: AsyncIterable<unknown>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) items.push(plain<T>(item));
  return items;
}

/** The SDK's own HTTP layer (authentication, retries, the OAuth token): JSON in, JSON out, errors as `OktaApiError`. */
interface SdkHttp {
  getJson(url: string): Promise<unknown>;
  postJson(url: string, request: { body: unknown }): Promise<unknown>;
}

class SdkOrg implements OrgApi {
  constructor(
    private readonly client: OktaClient,
    private readonly orgUrl: string,
  ) {}

  /**
   * Inline hooks go through the SDK's HTTP layer rather than its generated models: those models
   * drop members they do not know (an `execute` answer is arbitrary JSON, and is what the doctor
   * checks), and the channel's `authScheme` must reach Okta exactly as written.
   */
  private get http(): SdkHttp {
    return (this.client as unknown as { http: SdkHttp }).http;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw managementError(error, what);
    }
  }

  /** Like `call`, but "not found" is undefined. */
  private async find<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (isRecord(error) && error.status === 404) return undefined;
      throw managementError(error, what);
    }
  }

  private get servers() {
    return this.client.authorizationServerApi;
  }

  listAuthorizationServers() {
    return this.call('listing authorization servers', async () => all<AuthServer>(await this.servers.listAuthorizationServers({})));
  }
  getAuthorizationServer(authServerId: string) {
    return this.find(`reading authorization server ${authServerId}`, async () => plain<AuthServer>(await this.servers.getAuthorizationServer({ authServerId })));
  }
  createAuthorizationServer(server: Omit<AuthServer, 'id'>) {
    return this.call('creating the authorization server', async () =>
      plain<AuthServer>(await this.servers.createAuthorizationServer({ authorizationServer: writable(server) })));
  }
  activateAuthorizationServer(authServerId: string) {
    return this.call(`activating authorization server ${authServerId}`, () => this.servers.activateAuthorizationServer({ authServerId }));
  }
  listScopes(authServerId: string) {
    return this.call('listing scopes', async () => all<Scope>(await this.servers.listOAuth2Scopes({ authServerId })));
  }
  createScope(authServerId: string, scope: Scope) {
    return this.call(`creating scope ${scope.name}`, async () => plain<Scope>(await this.servers.createOAuth2Scope({ authServerId, oAuth2Scope: writable(scope) })));
  }
  listClaims(authServerId: string) {
    return this.call('listing claims', async () => all<Claim>(await this.servers.listOAuth2Claims({ authServerId })));
  }
  createClaim(authServerId: string, claim: Claim) {
    return this.call(`creating claim ${claim.name}`, async () => plain<Claim>(await this.servers.createOAuth2Claim({ authServerId, oAuth2Claim: writable(claim) })));
  }
  replaceClaim(authServerId: string, claimId: string, claim: Claim) {
    return this.call(`updating claim ${claim.name}`, async () =>
      plain<Claim>(await this.servers.replaceOAuth2Claim({ authServerId, claimId, oAuth2Claim: writable(claim) })));
  }
  listPolicies(authServerId: string) {
    return this.call('listing access policies', async () => all<Policy>(await this.servers.listAuthorizationServerPolicies({ authServerId })));
  }
  createPolicy(authServerId: string, policy: Policy) {
    return this.call(`creating policy ${policy.name}`, async () =>
      plain<Policy>(await this.servers.createAuthorizationServerPolicy({ authServerId, policy: writable(policy) })));
  }
  replacePolicy(authServerId: string, policyId: string, policy: Policy) {
    return this.call(`updating policy ${policy.name}`, async () =>
      plain<Policy>(await this.servers.replaceAuthorizationServerPolicy({ authServerId, policyId, policy: writable(policy) })));
  }
  listRules(authServerId: string, policyId: string) {
    return this.call('listing policy rules', async () => all<PolicyRule>(await this.servers.listAuthorizationServerPolicyRules({ authServerId, policyId })));
  }
  createRule(authServerId: string, policyId: string, rule: PolicyRule) {
    return this.call(`creating rule ${rule.name}`, async () =>
      plain<PolicyRule>(await this.servers.createAuthorizationServerPolicyRule({ authServerId, policyId, policyRule: writable(rule) })));
  }
  replaceRule(authServerId: string, policyId: string, ruleId: string, rule: PolicyRule) {
    return this.call(`updating rule ${rule.name}`, async () =>
      plain<PolicyRule>(await this.servers.replaceAuthorizationServerPolicyRule({ authServerId, policyId, ruleId, policyRule: writable(rule) })));
  }
  listApplications(query?: string) {
    return this.call('listing apps', async () => all<App>(await this.client.applicationApi.listApplications(query ? { q: query } : {})));
  }
  getApplication(appId: string) {
    return this.find(`reading app ${appId}`, async () => plain<App>(await this.client.applicationApi.getApplication({ appId })));
  }
  createApplication(app: NewApp) {
    return this.call(`creating app ${app.label}`, async () => plain<App>(await this.client.applicationApi.createApplication({ application: writable(app) })));
  }
  replaceApplication(appId: string, app: App) {
    return this.call(`updating app ${app.label}`, async () => plain<App>(await this.client.applicationApi.replaceApplication({ appId, application: writable(app) })));
  }
  getUser(userId: string) {
    return this.find(`reading user ${userId}`, async () => plain<User>(await this.client.userApi.getUser({ userId })));
  }
  searchUsers(search: string) {
    return this.call('searching users', async () => all<User>(await this.client.userApi.listUsers({ search })));
  }
  listUserGroups(userId: string) {
    return this.call(`listing the groups of ${userId}`, async () => all<Group>(await this.client.userApi.listUserGroups({ userId })));
  }
  listInlineHooks(type?: string) {
    const query = type ? `?type=${encodeURIComponent(type)}` : '';
    return this.call('listing inline hooks', async () => {
      const hooks = await this.http.getJson(`${this.orgUrl}/api/v1/inlineHooks${query}`);
      return Array.isArray(hooks) ? (hooks as InlineHook[]) : [];
    });
  }
  getInlineHook(id: string) {
    return this.find(`reading inline hook ${id}`, async () => (await this.http.getJson(`${this.orgUrl}/api/v1/inlineHooks/${encodeURIComponent(id)}`)) as InlineHook);
  }
  createInlineHook(hook: InlineHook) {
    return this.call(`registering inline hook ${hook.name}`, async () => (await this.http.postJson(`${this.orgUrl}/api/v1/inlineHooks`, { body: writable(hook) })) as InlineHook);
  }
  activateInlineHook(id: string) {
    return this.call(`activating inline hook ${id}`, async () =>
      (await this.http.postJson(`${this.orgUrl}/api/v1/inlineHooks/${encodeURIComponent(id)}/lifecycle/activate`, { body: {} })) as InlineHook);
  }
  executeInlineHook(id: string, payload: unknown) {
    return this.call(`executing inline hook ${id}`, async () => this.http.postJson(`${this.orgUrl}/api/v1/inlineHooks/${encodeURIComponent(id)}/execute`, { body: payload }));
  }
}
