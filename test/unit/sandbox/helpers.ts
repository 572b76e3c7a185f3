/** Shared helpers of the sandbox tests: a fixed clock, assertions, token requests, the Okta SDK. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@okta/okta-sdk-nodejs';
import { buildAssertion, type JsonRecord, signAssertion, type SigningCredential, type SignOptions } from '../../../src/core';
import { DEFAULT_IDS, type Sandbox, type SandboxOptions, startSandbox } from '../../../src/sandbox';

/** 2026-01-02T10:00:00Z, the guide's time. */
export const NOW = 1767348000;

export const ALICE = DEFAULT_IDS.alice;
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A sandbox on a free port with the fixed clock. */
export function start(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ now: () => NOW, ...options });
}

/** The guide's assertion payload for the sandbox's agent (aud = token endpoint), with overrides. */
export function assertionPayload(sandbox: Sandbox, overrides: JsonRecord = {}): JsonRecord {
  const payload = buildAssertion({
    clientId: sandbox.clientId,
    tokenEndpoint: sandbox.tokenEndpoint,
    issuer: sandbox.issuer,
    human: { id: ALICE, email: 'alice@corp.example.com', name: 'Alice Smith' },
    now: NOW,
    jti: crypto.randomUUID(),
  });
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key];
    else payload[key] = value;
  }
  return payload;
}

/** A signed client assertion (HS256 with the client secret unless told otherwise). */
export function signedAssertion(
  sandbox: Sandbox,
  overrides: JsonRecord = {},
  credential: SigningCredential = { kind: 'secret', secret: sandbox.clientSecret },
  options: SignOptions = {},
): Promise<string> {
  return signAssertion(assertionPayload(sandbox, overrides), credential, options);
}

export interface TokenAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: JsonRecord;
}

/** POSTs a form to the token endpoint (or another URL). */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as JsonRecord };
}

/** A client_credentials request with a client assertion. */
export function requestWithAssertion(sandbox: Sandbox, assertion: string, extra: Record<string, string> = {}): Promise<TokenAnswer> {
  return postForm(sandbox.tokenEndpoint, {
    grant_type: 'client_credentials',
    scope: 'finance.read',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    ...extra,
  });
}

/** Decodes a JWT's header and payload without verifying. */
export function decodeParts(token: string): { header: JsonRecord; payload: JsonRecord } {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as JsonRecord,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JsonRecord,
  };
}

/** A GET or other call to the Management API with the sandbox's token. */
export async function api(sandbox: Sandbox, method: string, path: string, body?: unknown, token = sandbox.apiToken): Promise<TokenAnswer> {
  const response = await fetch(`${sandbox.orgUrl}${path}`, {
    method,
    headers: { authorization: `SSWS ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as JsonRecord) : {} };
}

/**
 * Keeps the Okta SDK from reading anything but what the test gives it: the SDK merges
 * `~/.okta/okta.yaml`, `./okta.yaml`, `OKTA_CLIENT_*` variables and an `HTTPS_PROXY` into its
 * configuration. Points HOME and the working folder at an empty folder and clears the variables.
 * Call once per test file (each file runs in its own process).
 */
export function isolateOktaSdk(): void {
  const empty = mkdtempSync(join(tmpdir(), 'agbac-okta-sdk-'));
  process.env.HOME = empty;
  process.chdir(empty);
  process.on('exit', () => rmSync(empty, { recursive: true, force: true }));
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('OKTA_') || /^https?_proxy$/i.test(name)) delete process.env[name];
  }
}

/** The official SDK against the sandbox, every setting explicit, no cache. */
export function oktaClient(sandbox: Sandbox, token = sandbox.apiToken): Client {
  return new Client({
    orgUrl: sandbox.orgUrl,
    token,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
  });
}

/** Collects an SDK collection (it pages through `Link` headers; the first request happens here). */
export async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item !== null) items.push(item);
  return items;
}

/** The RFC 8693 grant type and access token type, spelled out as a client sends them. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/** A person's sign-in with the password grant at the sign-in app (a public client: its id only). */
export function passwordSignIn(
  sandbox: Sandbox,
  options: { username?: string; password?: string; scope?: string; agent?: string; clientId?: string } = {},
): Promise<TokenAnswer> {
  return postForm(sandbox.tokenEndpoint, {
    grant_type: 'password',
    client_id: options.clientId ?? sandbox.signInClientId ?? '',
    username: options.username ?? DEFAULT_IDS.aliceLogin,
    password: options.password ?? sandbox.userPassword,
    scope: options.scope ?? 'openid profile finance.read',
    ...(options.agent !== undefined ? { agent: options.agent } : {}),
  });
}

/** A token exchange by the sandbox's agent (client_secret_jwt assertion, no act in it). */
export async function exchange(sandbox: Sandbox, subjectToken: string, extra: Record<string, string> = {}, overrides: JsonRecord = {}): Promise<TokenAnswer> {
  return postForm(sandbox.tokenEndpoint, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN,
    scope: 'finance.read',
    audience: DEFAULT_IDS.audience,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await signedAssertion(sandbox, { act: undefined, ...overrides }),
    ...extra,
  });
}
