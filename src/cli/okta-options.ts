/** The flags the Okta commands share: the org, the Management API credential, the connection. */
import { type Connection, type Human, normalizeOrgUrl, readConnection, type SigningCredential, UrlError } from '../core';
import { connectOrg, type ManagementCredential, MANAGEMENT_SCOPES, type OrgApi } from '../okta';
import { audienceStyleOption, CommandError, type Io, readTextFile, secretFromEnv, UsageError } from './common';
import { signingCredential } from './keys';
import { resolveSecret, SecretError, type SecretReference } from './secrets';

/** parseArgs option specs, to spread into a command's own. */
export const ORG_OPTIONS = {
  'org-url': { type: 'string' },
  'api-token-env': { type: 'string' },
  'mgmt-client-id': { type: 'string' },
  'mgmt-key': { type: 'string' },
  'mgmt-kid': { type: 'string' },
  'auth-server': { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const CONNECTION_OPTIONS = {
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  key: { type: 'string' },
  kid: { type: 'string' },
  audience: { type: 'string' },
  scope: { type: 'string', multiple: true },
  'act-sub': { type: 'string' },
  'act-email': { type: 'string' },
  'act-name': { type: 'string' },
  group: { type: 'string' },
  'audience-style': { type: 'string' },
} as const;

export const ORG_HELP = `  --org-url URL            the Okta org, e.g. https://dev-123456.okta.com (http only for loopback)
  --api-token-env VAR      a Management API token (SSWS) is in environment variable VAR
  --mgmt-client-id ID --mgmt-key FILE [--mgmt-kid KID]
                           or an OAuth service app with a private key (okta.* scopes)
  --auth-server ID         the authorization server id (aus…)
  --ca FILE                an extra trusted CA (PEM), e.g. the sandbox's with --tls
  --timeout SECONDS        per request (default 10)`;

export const CONNECTION_HELP = `  --client-id ID           the agent app's client id
  --client-secret-env VAR  its client secret is in VAR (client_secret_jwt)
  --key FILE --kid KID     or its private key (private_key_jwt)
  --audience AUD           the API audience of the authorization server
  --scope S                a scope to request (repeatable; default finance.read)
  --act-sub ID             the human's Okta user id (00u…) [--act-email E --act-name N]
  --group NAME             the group that approves humans (e.g. FinanceUsers)
  --audience-style token-endpoint|issuer   the assertion's aud (default token-endpoint)`;

type Values = Record<string, string | boolean | string[] | undefined>;
const text = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

export function requireOption(values: Values, name: string): string {
  const value = text(values, name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/**
 * The org the options name, connected: `--org-url` and the Management credential. A URL the
 * toolkit refuses (plain http off loopback, not a URL) is a usage error: it was typed wrongly.
 */
export async function connectOrgOption(values: Values, io: Io, extraScopes: readonly string[] = []): Promise<OrgApi> {
  const orgUrl = requireOption(values, 'org-url');
  try {
    normalizeOrgUrl(orgUrl);
  } catch (error) {
    if (error instanceof UrlError) throw new UsageError(`--org-url: ${error.message}`);
    throw error;
  }
  return connectOrg({ orgUrl, credential: await managementCredential(values, io, extraScopes), ca: await caOption(values), timeoutMs: timeoutOption(values) });
}

/** The Management API credential; `extraScopes` are requested too in OAuth (private key) mode. */
export async function managementCredential(values: Values, io: Io, extraScopes: readonly string[] = []): Promise<ManagementCredential> {
  const tokenEnv = text(values, 'api-token-env');
  const clientId = text(values, 'mgmt-client-id');
  if (tokenEnv && clientId) throw new UsageError('give either --api-token-env or --mgmt-client-id/--mgmt-key, not both');
  if (tokenEnv) return { kind: 'api-token', token: secretFromEnv(tokenEnv, io, 'api-token') };
  if (clientId) {
    const keyFile = requireOption(values, 'mgmt-key');
    const keyId = text(values, 'mgmt-kid');
    const privateKey = await secret({ source: 'file', path: keyFile }, io);
    // The SDK's own message for anything else is "Key type undefined is not supported".
    if (!privateKey.startsWith('-----BEGIN') && !privateKey.startsWith('{')) throw new CommandError('--mgmt-key: the file is neither a PEM private key nor a JWK');
    return { kind: 'private-key', clientId, privateKey, scopes: [...MANAGEMENT_SCOPES, ...extraScopes], ...(keyId ? { keyId } : {}) };
  }
  throw new UsageError('give a Management API credential: --api-token-env VAR (or --mgmt-client-id and --mgmt-key)');
}

async function secret(reference: SecretReference, io: Io): Promise<string> {
  try {
    return await resolveSecret(reference, io.env);
  } catch (error) {
    if (error instanceof SecretError) throw new CommandError(error.message);
    throw error;
  }
}

/** The connection the flags describe; the org URL and server id are required. */
export function connectionFromOptions(values: Values, defaults: { requireClient: boolean }): Connection {
  const scopes = (values.scope as string[] | undefined) ?? ['finance.read'];
  const actSub = text(values, 'act-sub');
  const human: Human | undefined = actSub
    ? { id: actSub, ...(text(values, 'act-email') ? { email: text(values, 'act-email') } : {}), ...(text(values, 'act-name') ? { name: text(values, 'act-name') } : {}) }
    : undefined;
  const clientId = text(values, 'client-id');
  if (defaults.requireClient && !clientId) throw new UsageError('--client-id is required');
  const read = readConnection({
    name: 'command line',
    orgUrl: requireOption(values, 'org-url'),
    authServerId: requireOption(values, 'auth-server'),
    clientId: clientId ?? 'not-given',
    authMethod: text(values, 'key') ? 'private_key_jwt' : 'client_secret_jwt',
    audienceStyle: audienceStyleOption(text(values, 'audience-style')),
    scopes,
    ...(human ? { humans: [human] } : {}),
    ...(text(values, 'audience') ? { apiAudience: text(values, 'audience') } : {}),
    ...(text(values, 'kid') ? { kid: text(values, 'kid') } : {}),
    ...(text(values, 'group') ? { group: text(values, 'group') } : {}),
  });
  if ('errors' in read) throw new UsageError(read.errors.join('; '));
  return read.connection;
}

/** The agent's signing credential, when one is given. */
export async function optionalSigningCredential(values: Values, io: Io): Promise<SigningCredential | undefined> {
  if (!text(values, 'client-secret-env') && !text(values, 'key')) return undefined;
  return signingCredential({ secretEnv: text(values, 'client-secret-env'), key: text(values, 'key'), kid: text(values, 'kid'), secretFlag: 'client-secret' }, io);
}

export async function caOption(values: Values): Promise<string | undefined> {
  const file = text(values, 'ca');
  if (!file) return undefined;
  return readTextFile(file);
}

export function timeoutOption(values: Values): number | undefined {
  const value = text(values, 'timeout');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) throw new UsageError(`--timeout must be 1 to 300 seconds, got "${value}"`);
  return seconds * 1000;
}
