/**
 * The embedded Okta-compatible sandbox: custom authorization servers (token endpoint with
 * client credentials, a person's sign-in and token exchange; the sign-in page; keys; discovery),
 * the org authorization server (tokens with Okta API scopes for service apps) and a
 * Management API subset (SSWS or those tokens) at Okta's paths, over node:http (or node:https
 * with a generated local CA), seeded with the setup guide's org.
 *
 * @example
 * const sandbox = await startSandbox();
 * // POST a client_credentials request with a client assertion to sandbox.tokenEndpoint ...
 * await sandbox.close();
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { messageOf } from '../core';
import { addAuthorizationServerRoutes } from './authorization-server';
import type { SandboxContext } from './context';
import { SandboxError } from './errors';
import { requestListener, Router } from './http';
import { newApiToken } from './ids';
import { KeyRing } from './keys';
import type { AppRecord } from './model';
import type { Org } from './org';
import { addManagementRoutes } from './management';
import { addOrgAuthorizationServerRoutes, orgTokenEndpointOf } from './org-authorization-server';
import { buildOrg, defaultSeed, parseSeed } from './seed';
import { addSignInRoutes } from './sign-in';
import { SignInStore } from './sign-in-store';
import { HOOK_TIMEOUT_MS } from './token-hook';
import { issuerOf } from './views';

export { DEFAULT_IDS, defaultSeed, type DefaultSeedOptions, parseSeed } from './seed';
export { DEFAULT_HOOK_ERROR, HOOK_TIMEOUT_MS } from './token-hook';
export { SandboxError, SeedError } from './errors';
export { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './model';

export interface SandboxOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default 0 (a free port). */
  readonly port?: number;
  /** The first app's client secret; default: 64 random characters. */
  readonly clientSecret?: string;
  /** The Management API token (`SSWS …`); default: 42 random characters. */
  readonly apiToken?: string;
  /** The password of every seeded user the seed gives none (`credentials.password.value`); default: 20 random characters. */
  readonly userPassword?: string;
  /** Also accept the issuer URL as a client assertion's `aud` (the setup guide's convention; real Okta refuses it). */
  readonly acceptIssuerAudience?: boolean;
  /** Serve HTTPS with a new local CA, whose certificate is written to `dir`. */
  readonly tls?: { readonly dir: string };
  /** A parsed `--seed` document; default: the setup guide's org (see `defaultSeed()`). */
  readonly seed?: unknown;
  /** The clock, in seconds since the epoch (for tests); default `Date.now() / 1000`. */
  readonly now?: () => number;
  /** Receives one line per request (method, path, status), per token inline hook call, and internal errors. */
  readonly log?: (line: string) => void;
  /** How long a token inline hook may take before it is skipped; default 3000 ms, as Okta waits. */
  readonly hookTimeoutMs?: number;
  /** Extra trusted CA certificates (PEM) for inline hooks served over https with a local certificate. */
  readonly hookCa?: string;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly orgUrl: string;
  /** The first authorization server's issuer, `{orgUrl}/oauth2/{authServerId}`. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Where people sign in (authorization code with PKCE): `{issuer}/v1/authorize`. */
  readonly authorizationEndpoint: string;
  readonly jwksUri: string;
  readonly metadataUrl: string;
  /** The org authorization server's token endpoint, `{orgUrl}/oauth2/v1/token` (Okta API scopes, private_key_jwt). */
  readonly orgTokenEndpoint: string;
  /** The org authorization server's keys, `{orgUrl}/oauth2/v1/keys`. */
  readonly orgJwksUri: string;
  /** The first app's client id. */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly apiToken: string;
  readonly authServerId: string;
  /** The first ACTIVE app people sign in with (authorization code or password grant, a public client), if the seed has one. */
  readonly signInClientId: string | undefined;
  /** The development password of seeded users without one of their own. */
  readonly userPassword: string;
  /** With TLS: where the CA certificate was written, and its PEM. */
  readonly caFile?: string;
  readonly caPem?: string;
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

/** The answer to bytes that are not HTTP. */
const MALFORMED = JSON.stringify({ errorCode: 'E0000003', errorSummary: 'The request was not well-formed.', errorLink: 'E0000003', errorCauses: [] });

/** Starts a sandbox. Rejects with a {@link SandboxError} for a bad seed, option or port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SandboxError('ERR_SANDBOX_PORT', `the port must be 0 to 65535, got ${port}`);
  checkCredential('client secret', options.clientSecret, 14);
  checkCredential('API token', options.apiToken, 8);
  checkCredential('user password', options.userPassword, 8);

  const plan = parseSeed(options.seed === undefined ? defaultSeed() : options.seed);
  const now = options.now ?? (() => Date.now() / 1000);
  const org = await buildOrg(plan, {
    now,
    ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
    ...(options.userPassword !== undefined ? { userPassword: options.userPassword } : {}),
  });
  const apiToken = options.apiToken ?? newApiToken();

  let orgUrl = '';
  const orgKeys = await KeyRing.create(now());
  const hookTimeoutMs = options.hookTimeoutMs ?? HOOK_TIMEOUT_MS;
  if (!Number.isInteger(hookTimeoutMs) || hookTimeoutMs < 1 || hookTimeoutMs > 60_000) {
    throw new SandboxError('ERR_SANDBOX_SEED', `the hook timeout must be 1 to 60000 ms, got ${hookTimeoutMs}`);
  }
  const context: SandboxContext = {
    org,
    orgUrl: () => orgUrl,
    acceptIssuerAudience: options.acceptIssuerAudience ?? false,
    apiToken,
    orgKeys,
    hookTimeoutMs,
    hookCa: options.hookCa,
    signIns: new SignInStore(),
    log: options.log,
  };
  const router = new Router();
  addAuthorizationServerRoutes(router, context);
  addSignInRoutes(router, context);
  addOrgAuthorizationServerRoutes(router, context);
  addManagementRoutes(router, context);
  const listener = requestListener(router, options.log);

  const tls = options.tls ? await tlsMaterial(options.tls.dir, host) : undefined;
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${MALFORMED.length}\r\n\r\n${MALFORMED}`);
    else socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, host, port);

  const address = server.address() as AddressInfo;
  orgUrl = `${tls ? 'https' : 'http'}://${urlHost(host)}:${address.port}`;
  const firstServer = org.authServers.get(plan.servers[0]?.id ?? '');
  const firstApp = org.apps.get(plan.apps[0]?.id ?? '');
  if (!firstServer || !firstApp) throw new SandboxError('ERR_SANDBOX_SEED', 'the seed has no authorization server or no app');
  const issuer = issuerOf(orgUrl, firstServer);

  let closing: Promise<void> | undefined;
  return {
    orgUrl,
    issuer,
    tokenEndpoint: `${issuer}/v1/token`,
    authorizationEndpoint: `${issuer}/v1/authorize`,
    jwksUri: `${issuer}/v1/keys`,
    metadataUrl: `${issuer}/.well-known/oauth-authorization-server`,
    orgTokenEndpoint: orgTokenEndpointOf(orgUrl),
    orgJwksUri: `${orgUrl}/oauth2/v1/keys`,
    clientId: firstApp.clientId,
    clientSecret: firstApp.clientSecret,
    apiToken,
    authServerId: firstServer.id,
    signInClientId: signInApp(org)?.clientId,
    userPassword: org.developmentPassword,
    ...(tls ? { caFile: tls.caFile, caPem: tls.caPem } : {}),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
      return closing;
    },
  };
}

/** The app people sign in with: the first ACTIVE public client that may use the authorization code grant. */
function signInApp(org: Org): AppRecord | undefined {
  return [...org.apps.values()].find((app) => app.status === 'ACTIVE' && app.authMethod === 'none' && app.grantTypes.includes('authorization_code'));
}

/** Loads the TLS module only now, so HTTP-only use never loads the X.509 library. */
async function tlsMaterial(dir: string, host: string) {
  const { createTlsMaterial } = await import('./tls');
  try {
    return await createTlsMaterial(dir, host);
  } catch (error) {
    throw new SandboxError('ERR_SANDBOX_TLS', `cannot set up HTTPS in ${dir}: ${messageOf(error)}`, { cause: error });
  }
}

function checkCredential(what: string, value: string | undefined, minLength: number): void {
  if (value === undefined) return;
  if (value.length < minLength || /\s/.test(value)) {
    throw new SandboxError('ERR_SANDBOX_CREDENTIAL', `the ${what} must be at least ${minLength} characters without white space`);
  }
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new SandboxError('ERR_SANDBOX_PORT_IN_USE', `port ${port} on ${host} is already in use`, { cause: error }));
      else if (error.code === 'EACCES') reject(new SandboxError('ERR_SANDBOX_PORT', `no permission to listen on ${host}:${port}`, { cause: error }));
      else reject(new SandboxError('ERR_SANDBOX_LISTEN', `cannot listen on ${host}:${port}: ${messageOf(error)}`, { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The host as it goes in a URL: IPv6 in brackets; a wildcard address becomes loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
