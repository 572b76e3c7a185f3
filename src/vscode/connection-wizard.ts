/**
 * Add Okta Connection and Edit Connection as a multi-step quick input, without JSON: org URL →
 * Management API token (or skip) → authorization server (listed from the org when a token was
 * given, else typed) → agent app (likewise) → client authentication → scopes → approving group →
 * name → where to save. Back goes one step back. The API token goes to SecretStorage, never to
 * settings; nothing is saved before the last step.
 */
import * as vscode from 'vscode';
import { type AuthMethod, type Connection, messageOf, normalizeOrgUrl, readConnection } from '../core';
import type { App, AuthServer, OrgApi } from '../okta/org';
import { management } from './management';
import { BACK, input, pick, pickMany, type Step } from './quick-input';
import { readSettings, type SettingsTarget } from './settings';

/** What the steps fill in. */
interface Draft {
  orgUrl: string;
  apiToken: string;
  org: OrgApi | undefined;
  servers: AuthServer[] | undefined;
  authServerId: string;
  apiAudience: string;
  apps: App[] | undefined;
  clientId: string;
  authMethod: AuthMethod;
  scopes: string[];
  group: string;
  name: string;
  target: SettingsTarget;
}

/** What the wizard hands back to be saved. */
export interface WizardResult {
  readonly connection: Connection;
  readonly target: SettingsTarget;
  /** A new API token typed in the second step (to store in SecretStorage), if any. */
  readonly apiToken: string | undefined;
}

const TOTAL = 9;

function hostName(orgUrl: string): string {
  try {
    return new URL(orgUrl).hostname.split('.')[0] ?? 'okta';
  } catch {
    return 'okta';
  }
}

function uniqueName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let index = 2; ; index++) if (!taken.includes(`${base} ${index}`)) return `${base} ${index}`;
}

/** Runs the steps; resolves undefined when the person cancels. `existing` prefills them (Edit Connection). */
export async function connectionWizard(existing?: Connection): Promise<WizardResult | undefined> {
  const settings = readSettings();
  const taken = settings.connections.map((connection) => connection.name).filter((name) => name !== existing?.name);
  const verb = existing ? `Edit ${existing.name}` : 'Add an Okta connection';
  const draft: Draft = {
    orgUrl: existing?.orgUrl ?? '',
    apiToken: '',
    org: undefined,
    servers: undefined,
    authServerId: existing?.authServerId ?? '',
    apiAudience: existing?.apiAudience ?? '',
    apps: undefined,
    clientId: existing?.clientId ?? '',
    authMethod: existing?.authMethod ?? 'client_secret_jwt',
    scopes: [...(existing?.scopes ?? [])],
    group: existing?.group ?? '',
    name: existing?.name ?? '',
    target: 'user',
  };

  const steps: ((index: number) => Promise<Step<true>>)[] = [
    // 1. The org URL.
    async (index) => {
      const value = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: false,
        prompt: 'The Okta org URL (https; http only for a server on this machine)',
        placeholder: 'https://dev-123456.okta.com',
        value: draft.orgUrl,
        validate: (text) => {
          if (!text) return 'Enter the org URL';
          try {
            normalizeOrgUrl(text);
            return undefined;
          } catch (error) {
            return messageOf(error);
          }
        },
      });
      if (typeof value !== 'string') return value;
      const orgUrl = normalizeOrgUrl(value);
      if (orgUrl !== draft.orgUrl) Object.assign(draft, { orgUrl, org: undefined, servers: undefined, apps: undefined });
      return true;
    },
    // 2. A Management API token, or none.
    async (index) => {
      const value = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, password: true,
        prompt: existing
          ? 'A Management API token to list the org\'s servers and apps (kept in SecretStorage). Leave empty to keep the stored one, or to type ids.'
          : 'A Management API token (Okta: Security → API → Tokens) to list the org\'s servers, apps and scopes; kept in SecretStorage only. Leave empty to skip and type ids.',
        value: draft.apiToken,
        accept: async (text) => {
          if (!text) return undefined;
          try {
            const org = await (await management()).connectOrg({ orgUrl: draft.orgUrl, credential: { kind: 'api-token', token: text } });
            draft.servers = await org.listAuthorizationServers();
            draft.org = org;
            return undefined;
          } catch (error) {
            return `The org did not accept it: ${messageOf(error)}`;
          }
        },
      });
      if (typeof value !== 'string') return value;
      draft.apiToken = value;
      if (!value) Object.assign(draft, { org: undefined, servers: undefined, apps: undefined });
      return true;
    },
    // 3. The authorization server.
    async (index) => {
      if (draft.servers?.length) {
        type Item = vscode.QuickPickItem & { server?: AuthServer };
        const items: Item[] = [
          ...draft.servers.map((server) => ({ label: server.name, description: server.id, detail: `audience ${server.audiences.join(', ') || '(none)'}${server.status && server.status !== 'ACTIVE' ? ` · ${server.status}` : ''}`, server })),
          { label: '$(edit) Type an id…', description: 'a server not listed' },
        ];
        const picked = await pick({ title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, placeholder: 'The custom authorization server the agent gets tokens from', items, active: items.find((item) => item.server?.id === draft.authServerId) });
        if (picked === BACK || picked === undefined) return picked;
        if (picked.server) {
          draft.authServerId = picked.server.id;
          draft.apiAudience = picked.server.audiences[0] ?? '';
          return true;
        }
      }
      const id = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: 'The custom authorization server id (Security → API → Authorization Servers)',
        placeholder: 'aus…',
        value: draft.authServerId,
        validate: (text) => (/^[\w-]+$/.test(text) ? undefined : 'Enter the id, e.g. aus123abc456 (letters, digits, - and _)'),
      });
      if (typeof id !== 'string') return id;
      draft.authServerId = id;
      const audience = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: "The server's audience: the API its tokens are for (optional; the doctor reports the server's)",
        placeholder: 'https://api.example.com/finance',
        value: draft.apiAudience,
      });
      if (audience === BACK) return BACK;
      if (audience === undefined) return undefined;
      draft.apiAudience = audience;
      return true;
    },
    // 4. The agent app.
    async (index) => {
      if (draft.org) {
        try {
          draft.apps ??= (await draft.org.listApplications()).filter((app) => app.settings?.oauthClient?.application_type === 'service');
        } catch {
          draft.apps = [];
        }
      }
      if (draft.apps?.length) {
        type Item = vscode.QuickPickItem & { app?: App };
        const items: Item[] = [
          ...draft.apps.map((app) => ({ label: app.label, description: app.id, detail: `${app.credentials?.oauthClient?.token_endpoint_auth_method ?? 'unknown method'}${app.status && app.status !== 'ACTIVE' ? ` · ${app.status}` : ''}`, app })),
          { label: '$(edit) Type a client id…', description: 'an app not listed' },
        ];
        const picked = await pick({ title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, placeholder: "The agent's service app (API Services)", items, active: items.find((item) => item.app?.id === draft.clientId) });
        if (picked === BACK || picked === undefined) return picked;
        if (picked.app) {
          draft.clientId = picked.app.id;
          const method = picked.app.credentials?.oauthClient?.token_endpoint_auth_method;
          if (method === 'client_secret_jwt' || method === 'private_key_jwt') draft.authMethod = method;
          return true;
        }
      }
      const id = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: "The agent app's client id (Applications → the app → General)",
        placeholder: '0oa…',
        value: draft.clientId,
        validate: (text) => (/^[\w-]+$/.test(text) ? undefined : 'Enter the client id, e.g. 0oa123abc456xyz'),
      });
      if (typeof id !== 'string') return id;
      draft.clientId = id;
      return true;
    },
    // 5. Client authentication.
    async (index) => {
      const items: (vscode.QuickPickItem & { method: AuthMethod })[] = [
        { label: 'client_secret_jwt', description: 'HS256 assertions signed with the client secret', method: 'client_secret_jwt' },
        { label: 'private_key_jwt', description: 'RS256/ES256 assertions signed with a private key (Generate Key Pair makes one)', method: 'private_key_jwt' },
      ];
      const picked = await pick({ title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, placeholder: "How the agent signs its client assertions (must match the app's setting)", items, active: items.find((item) => item.method === draft.authMethod) });
      if (picked === BACK || picked === undefined) return picked;
      draft.authMethod = picked.method;
      return true;
    },
    // 6. Scopes.
    async (index) => {
      let listed: string[] = [];
      if (draft.org) {
        try {
          listed = (await draft.org.listScopes(draft.authServerId)).filter((scope) => !scope.system).map((scope) => scope.name);
        } catch {
          listed = [];
        }
      }
      if (listed.length) {
        const items = listed.map((name) => ({ label: name }));
        const picked = await pickMany({ title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, placeholder: 'The scopes the agent requests', items, picked: items.filter((item) => draft.scopes.includes(item.label)) });
        if (picked === BACK || picked === undefined) return picked;
        draft.scopes = picked.map((item) => item.label);
        return true;
      }
      const value = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: 'The scopes the agent requests, separated by spaces',
        placeholder: 'finance.read',
        value: draft.scopes.join(' '),
      });
      if (typeof value !== 'string') return value;
      draft.scopes = value.split(/[\s,]+/).filter(Boolean);
      return true;
    },
    // 7. The approving group (optional).
    async (index) => {
      const value = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: 'The Okta group whose members the agent may act for (optional; Verify Token approves humans by it)',
        placeholder: 'FinanceUsers',
        value: draft.group,
      });
      if (typeof value !== 'string') return value;
      draft.group = value;
      return true;
    },
    // 8. The name.
    async (index) => {
      const value = await input({
        title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true,
        prompt: 'A name for this connection',
        value: draft.name || uniqueName(hostName(draft.orgUrl), taken),
        validate: (text) => (!text ? 'Enter a name' : taken.includes(text) ? `"${text}" is taken` : undefined),
      });
      if (typeof value !== 'string') return value;
      draft.name = value;
      return true;
    },
    // 9. Where to save it.
    async (index) => {
      if (existing || !vscode.workspace.workspaceFolders?.length) {
        draft.target = 'user';
        return true;
      }
      const items: (vscode.QuickPickItem & { target: SettingsTarget })[] = [
        { label: 'User settings', description: 'every workspace on this machine', target: 'user' },
        { label: 'Workspace settings', description: 'this workspace only (.vscode/settings.json; no secret goes there)', target: 'workspace' },
      ];
      const picked = await pick({ title: verb, step: index + 1, totalSteps: TOTAL, canGoBack: true, placeholder: 'Where to save the connection', items, active: items[0] });
      if (picked === BACK || picked === undefined) return picked;
      draft.target = picked.target;
      return true;
    },
  ];

  for (let index = 0; index < steps.length; ) {
    const step = steps[index];
    if (!step) break;
    const outcome = await step(index);
    if (outcome === undefined) return undefined;
    index = outcome === BACK ? Math.max(0, index - 1) : index + 1;
  }

  const read = readConnection({
    name: draft.name,
    orgUrl: draft.orgUrl,
    authServerId: draft.authServerId,
    ...(draft.apiAudience ? { apiAudience: draft.apiAudience } : {}),
    clientId: draft.clientId,
    authMethod: draft.authMethod,
    ...(existing?.kid && draft.authMethod === 'private_key_jwt' ? { kid: existing.kid } : {}),
    scopes: draft.scopes,
    ...(existing?.audienceStyle ? { audienceStyle: existing.audienceStyle } : {}),
    ...(draft.group ? { group: draft.group } : {}),
    // How the human reaches the token is set in the settings (actDelivery, hookUrl, signInClientId, signInRedirectUri); editing keeps it.
    ...(existing
      ? {
          actDelivery: existing.actDelivery,
          ...(existing.hookUrl ? { hookUrl: existing.hookUrl } : {}),
          ...(existing.signInClientId ? { signInClientId: existing.signInClientId } : {}),
          ...(existing.signInRedirectUri ? { signInRedirectUri: existing.signInRedirectUri } : {}),
        }
      : {}),
    humans: existing?.humans ?? [],
  });
  if (!('connection' in read)) {
    void vscode.window.showErrorMessage(`AGBAC: the connection is not complete: ${read.errors.join('; ')}. Run Add Okta Connection again.`);
    return undefined;
  }
  return { connection: read.connection, target: draft.target, apiToken: draft.apiToken || undefined };
}
