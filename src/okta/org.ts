/**
 * The part of Okta's Management API the toolkit uses, as an interface of plain JSON objects in
 * Okta's own shapes. `sdk.ts` implements it with @okta/okta-sdk-nodejs; doctor, provisioning and
 * user look-ups are written against this interface only.
 */
import type { JWK } from 'jose';

export interface AuthServer {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly audiences: readonly string[];
  readonly issuer?: string;
  readonly status?: string;
}

export interface Scope {
  readonly id?: string;
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly consent?: string;
  readonly default?: boolean;
  readonly metadataPublish?: string;
  readonly system?: boolean;
}

export interface Claim {
  readonly id?: string;
  readonly name: string;
  readonly status?: string;
  readonly claimType: 'RESOURCE' | 'IDENTITY';
  readonly valueType: 'EXPRESSION' | 'GROUPS' | 'SYSTEM';
  readonly value: string;
  readonly alwaysIncludeInToken?: boolean;
  readonly conditions?: { readonly scopes?: readonly string[] };
  readonly system?: boolean;
}

export interface Policy {
  readonly id?: string;
  readonly type: 'OAUTH_AUTHORIZATION_POLICY';
  readonly name: string;
  readonly description?: string;
  readonly status?: string;
  readonly priority?: number;
  readonly conditions?: { readonly clients?: { readonly include?: readonly string[] } };
}

export interface PolicyRule {
  readonly id?: string;
  readonly name: string;
  readonly type?: 'RESOURCE_ACCESS';
  readonly status?: string;
  readonly priority?: number;
  readonly conditions?: {
    readonly grantTypes?: { readonly include?: readonly string[] };
    readonly scopes?: { readonly include?: readonly string[] };
    readonly people?: { readonly groups?: { readonly include?: readonly string[] }; readonly users?: { readonly include?: readonly string[] } };
  };
  readonly actions?: {
    readonly token?: {
      readonly accessTokenLifetimeMinutes?: number;
      readonly refreshTokenLifetimeMinutes?: number;
      readonly refreshTokenWindowMinutes?: number;
      /** The token inline hook the rule runs. */
      readonly inlineHook?: { readonly id?: string };
    };
  };
}

/** An inline hook (`/api/v1/inlineHooks`) with an HTTP channel; Okta never returns `authScheme.value`. */
export interface InlineHook {
  readonly id?: string;
  readonly name: string;
  readonly status?: string;
  readonly type: string;
  readonly version: string;
  readonly channel: {
    readonly type: string;
    readonly version: string;
    readonly config?: {
      readonly uri?: string;
      readonly method?: string;
      readonly headers?: readonly { readonly key: string; readonly value: string }[];
      readonly authScheme?: { readonly type: string; readonly key: string; readonly value?: string } | null;
    };
  };
}

export interface App {
  readonly id: string;
  readonly name?: string;
  readonly label: string;
  readonly status?: string;
  readonly signOnMode?: string;
  readonly credentials?: {
    readonly oauthClient?: { readonly client_id?: string; readonly token_endpoint_auth_method?: string; readonly autoKeyRotation?: boolean; readonly pkce_required?: boolean };
  };
  readonly settings?: {
    readonly oauthClient?: {
      readonly grant_types?: readonly string[];
      readonly response_types?: readonly string[];
      readonly application_type?: string;
      readonly redirect_uris?: readonly string[];
      readonly jwks?: { readonly keys?: readonly JWK[] };
    };
  };
}

/** What creating an app needs. */
export type NewApp = Omit<App, 'id'>;

export interface User {
  readonly id: string;
  readonly status: string;
  readonly profile: { readonly login: string; readonly email?: string; readonly firstName?: string; readonly lastName?: string };
}

export interface Group {
  readonly id: string;
  readonly profile: { readonly name: string; readonly description?: string };
}

/** The Management API operations the toolkit uses. `get…` answer undefined for "not found". */
export interface OrgApi {
  listAuthorizationServers(): Promise<AuthServer[]>;
  getAuthorizationServer(id: string): Promise<AuthServer | undefined>;
  createAuthorizationServer(server: Omit<AuthServer, 'id'>): Promise<AuthServer>;
  activateAuthorizationServer(id: string): Promise<void>;
  listScopes(serverId: string): Promise<Scope[]>;
  createScope(serverId: string, scope: Scope): Promise<Scope>;
  listClaims(serverId: string): Promise<Claim[]>;
  createClaim(serverId: string, claim: Claim): Promise<Claim>;
  replaceClaim(serverId: string, claimId: string, claim: Claim): Promise<Claim>;
  listPolicies(serverId: string): Promise<Policy[]>;
  createPolicy(serverId: string, policy: Policy): Promise<Policy>;
  replacePolicy(serverId: string, policyId: string, policy: Policy): Promise<Policy>;
  listRules(serverId: string, policyId: string): Promise<PolicyRule[]>;
  createRule(serverId: string, policyId: string, rule: PolicyRule): Promise<PolicyRule>;
  replaceRule(serverId: string, policyId: string, ruleId: string, rule: PolicyRule): Promise<PolicyRule>;
  listApplications(query?: string): Promise<App[]>;
  getApplication(id: string): Promise<App | undefined>;
  createApplication(app: NewApp): Promise<App>;
  replaceApplication(id: string, app: App): Promise<App>;
  /** By id or login. */
  getUser(idOrLogin: string): Promise<User | undefined>;
  /** Okta's `search` expression, e.g. `profile.email eq "a@b.c"`. */
  searchUsers(expression: string): Promise<User[]>;
  listUserGroups(userId: string): Promise<Group[]>;
  /** Token inline hooks when `type` is given. */
  listInlineHooks(type?: string): Promise<InlineHook[]>;
  getInlineHook(id: string): Promise<InlineHook | undefined>;
  createInlineHook(hook: InlineHook): Promise<InlineHook>;
  activateInlineHook(id: string): Promise<InlineHook>;
  /** Sends `payload` to the hook through Okta and returns the hook's answer as it is. */
  executeInlineHook(id: string, payload: unknown): Promise<unknown>;
}
