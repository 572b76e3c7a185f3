/**
 * An Okta connection: where the authorization server is, which agent app signs, which scopes and
 * humans it uses. Secrets are never here: the editor keeps them in SecretStorage, the CLI reads
 * them from the environment or files.
 */
import type { Human } from './assertion';
import { messageOf } from './errors';
import { type AudienceStyle, type AuthMethod, isAudienceStyle, isAuthMethod } from './profiles';
import { isRecord } from './rules/finding';
import { looksLikeUserId } from './rules/shared';
import { normalizeOrgUrl, oktaServerUrls, parseUrl, requireSecureUrl, type ServerUrls } from './urls';

export interface Connection {
  /** Unique, shown in the editor's tree. */
  readonly name: string;
  readonly orgUrl: string;
  readonly authServerId: string;
  /** The authorization server's audience: the API the tokens are for. */
  readonly apiAudience?: string;
  readonly clientId: string;
  readonly authMethod: AuthMethod;
  /** The key id of the agent's registered public key (private_key_jwt). */
  readonly kid?: string;
  readonly scopes: readonly string[];
  readonly audienceStyle: AudienceStyle;
  /** Humans the agent acts for, saved for reuse. */
  readonly humans: readonly Human[];
  /** The group that approves humans (e.g. FinanceUsers), when approval is by group. */
  readonly group?: string;
  /**
   * How the human reaches the token: in the client assertion's `act` (the guide's claim
   * expression; the default), in an act assertion on the token URL for a token inline hook, or
   * through token exchange: the person signs in themselves and the agent exchanges their token.
   */
  readonly actDelivery: ActDelivery;
  /** The token inline hook's URL as registered with Okta (the act assertion's audience); with `inline-hook`. */
  readonly hookUrl?: string;
  /** With `token-exchange`: the client id of the app people sign in with (a native app, PKCE). */
  readonly signInClientId?: string;
  /** A registered loopback redirect URI with its port, for orgs that compare the whole URI (real Okta does); default a free port. */
  readonly signInRedirectUri?: string;
}

export const ACT_DELIVERIES = ['assertion', 'inline-hook', 'token-exchange'] as const;
export type ActDelivery = (typeof ACT_DELIVERIES)[number];

/** A redirect URI a native app can listen on itself: http, the loopback interface, a port. */
export function isLoopbackRedirect(uri: string): boolean {
  const url = parseUrl(uri);
  return url !== undefined && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.port !== '';
}

export function connectionUrls(connection: Pick<Connection, 'orgUrl' | 'authServerId'>): ServerUrls {
  return oktaServerUrls({ orgUrl: connection.orgUrl, authServerId: connection.authServerId });
}

/**
 * Reads a connection from untrusted JSON (settings, a file): every field checked, defaults filled,
 * and each problem named. Secrets found in it are refused.
 */
export function readConnection(value: unknown): { connection: Connection } | { errors: string[] } {
  const errors: string[] = [];
  if (!isRecord(value)) return { errors: ['a connection must be a JSON object'] };
  for (const forbidden of ['clientSecret', 'client_secret', 'privateKey', 'apiToken', 'token', 'secret']) {
    if (forbidden in value) errors.push(`"${forbidden}" must not be stored in a connection: keep secrets in SecretStorage or the environment`);
  }
  const text = (name: string, required: boolean): string | undefined => {
    const field = value[name];
    if (field === undefined || field === '') {
      if (required) errors.push(`"${name}" is required`);
      return undefined;
    }
    if (typeof field !== 'string') {
      errors.push(`"${name}" must be a string`);
      return undefined;
    }
    return field.trim();
  };
  const name = text('name', true);
  let orgUrl = text('orgUrl', true);
  if (orgUrl) {
    try {
      orgUrl = normalizeOrgUrl(orgUrl);
    } catch (error) {
      errors.push(`"orgUrl": ${messageOf(error)}`);
    }
  }
  const authServerId = text('authServerId', true);
  const clientId = text('clientId', true);
  const apiAudience = text('apiAudience', false);
  const kid = text('kid', false);
  const group = text('group', false);
  const actDelivery = value.actDelivery ?? 'assertion';
  if (!ACT_DELIVERIES.includes(actDelivery as ActDelivery)) errors.push('"actDelivery" must be assertion, inline-hook or token-exchange');
  const signInClientId = text('signInClientId', false);
  if (!signInClientId && actDelivery === 'token-exchange') errors.push('"signInClientId" is required with "actDelivery": "token-exchange" (the app people sign in with)');
  const signInRedirectUri = text('signInRedirectUri', false);
  if (signInRedirectUri) {
    if (!isLoopbackRedirect(signInRedirectUri)) {
      errors.push('"signInRedirectUri" must be http on the loopback interface with a port, e.g. http://127.0.0.1:8765/callback');
    }
  }
  const hookUrl = text('hookUrl', false);
  if (hookUrl) {
    try {
      requireSecureUrl(hookUrl, '"hookUrl"');
    } catch (error) {
      errors.push(messageOf(error));
    }
  } else if (actDelivery === 'inline-hook') {
    errors.push('"hookUrl" is required with "actDelivery": "inline-hook" (the hook\'s URL, the act assertion\'s audience)');
  }
  const authMethod = value.authMethod ?? 'client_secret_jwt';
  if (!isAuthMethod(authMethod)) errors.push('"authMethod" must be client_secret_jwt or private_key_jwt');
  const audienceStyle = value.audienceStyle ?? 'token-endpoint';
  if (!isAudienceStyle(audienceStyle)) errors.push('"audienceStyle" must be token-endpoint or issuer');
  const scopes = value.scopes ?? [];
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) {
    errors.push('"scopes" must be a list of scope names');
  }
  const humans: Human[] = [];
  if (value.humans !== undefined && !Array.isArray(value.humans)) errors.push('"humans" must be a list');
  for (const [index, human] of (Array.isArray(value.humans) ? value.humans : []).entries()) {
    if (!isRecord(human) || typeof human.id !== 'string' || !looksLikeUserId(human.id)) {
      errors.push(`"humans[${index}].id" must be an Okta user id (00u…)`);
      continue;
    }
    humans.push({
      id: human.id,
      ...(typeof human.email === 'string' ? { email: human.email } : {}),
      ...(typeof human.name === 'string' ? { name: human.name } : {}),
    });
  }
  if (errors.length || !name || !orgUrl || !authServerId || !clientId || !isAuthMethod(authMethod) || !isAudienceStyle(audienceStyle)) {
    return { errors };
  }
  return {
    connection: {
      name,
      orgUrl,
      authServerId,
      clientId,
      authMethod,
      audienceStyle,
      scopes: scopes as string[],
      humans,
      actDelivery: actDelivery as ActDelivery,
      ...(apiAudience ? { apiAudience } : {}),
      ...(kid ? { kid } : {}),
      ...(group ? { group } : {}),
      ...(hookUrl ? { hookUrl } : {}),
      ...(signInClientId ? { signInClientId } : {}),
      ...(signInRedirectUri ? { signInRedirectUri } : {}),
    },
  };
}
