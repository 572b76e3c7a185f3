/**
 * Token inline hooks at issuance, as Okta runs them for a custom authorization server: when the
 * policy rule that grants the request names an ACTIVE `com.okta.oauth2.tokens.transform` hook,
 * Okta POSTs the token it built to the hook's URI (with the configured headers and `authScheme`)
 * and waits 3 seconds.
 *
 * The crux is what happens next. An `error` object in a 200 answer stops issuance: the client gets
 * HTTP 400 `server_error` with the hook's `errorSummary`. Everything else that goes wrong (no
 * answer, too slow, any status but 200, a body that is not JSON, a command that cannot be applied)
 * skips the hook, and the token is issued as it was built: hooks fail open. A patch is applied
 * whole or not at all.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isRecord, type JsonRecord, messageOf } from '../core';
import { OAuthError } from './errors';
import { newRequestId } from './ids';
import type { InlineHookRecord } from './model';

/** What Okta waits for a hook. */
export const HOOK_TIMEOUT_MS = 3_000;

/** Okta's `error_description` when the hook's `error` has no `errorSummary`. */
export const DEFAULT_HOOK_ERROR = 'The callback service returned an error';

/** Answers larger than this are not read (and the hook is skipped). */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * Access-token claims a hook may not add, change or remove: Okta's reserved claims for token
 * hooks, and the claims Okta computes itself (`iat`, `exp`: the lifetime has its own path; `scp`).
 */
const RESERVED = new Set(['acr', 'amr', 'as_uri', 'cid', 'groups', 'rpt', 'rsi', 'uid', 'username', 'iss', 'jti', 'token_type', 'ver', 'iat', 'exp', 'nbf', 'scp']);
/** May be replaced (or added over) in access tokens, never removed. */
const REPLACEABLE_ONLY = new Set(['aud', 'sub']);

/** Okta's limits for `/token/lifetime/expiration`, in seconds. */
const LIFETIME = { min: 300, max: 86_400 } as const;

export interface TokenHookInput {
  readonly hook: InlineHookRecord;
  readonly issuer: string;
  /** The token request's URL as it reached the server, with its query string. */
  readonly requestUrl: string;
  readonly ipAddress: string;
  readonly client: { readonly id: string; readonly name: string; readonly type?: 'CONFIDENTIAL' | 'PUBLIC' };
  readonly grantType: string;
  readonly scopes: readonly { readonly name: string; readonly id: string }[];
  readonly policy: { readonly id: string; readonly ruleId: string };
  /** The access token's claims as built. */
  readonly claims: JsonRecord;
  /** Seconds. */
  readonly lifetime: number;
  readonly now: number;
}

export type HookOutcome =
  | { readonly kind: 'patched'; readonly claims: JsonRecord; readonly lifetime: number }
  | { readonly kind: 'skipped'; readonly reason: string };

export interface HookCallOptions {
  readonly timeoutMs: number;
  /** Extra trusted CA certificates (PEM) for an https hook with a local certificate. */
  readonly ca?: string;
}

/** Okta's request to a token hook, in the shape of its documentation (no user or session for client_credentials). */
export function tokenHookRequest(input: TokenHookInput): JsonRecord {
  return {
    source: `${input.issuer}/v1/token`,
    eventId: newRequestId(),
    eventTime: new Date(Math.round(input.now * 1000)).toISOString(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: { id: newRequestId(), method: 'POST', url: { value: input.requestUrl }, ipAddress: input.ipAddress },
        protocol: {
          type: 'OAUTH2.0',
          request: { client_id: input.client.id, grant_type: input.grantType, scope: input.scopes.map((scope) => scope.name).join(' ') },
          issuer: { uri: input.issuer },
          client: { id: input.client.id, name: input.client.name, type: input.client.type ?? 'CONFIDENTIAL' },
        },
        policy: { id: input.policy.id, rule: { id: input.policy.ruleId } },
      },
      access: {
        claims: input.claims,
        token: { lifetime: { expiration: input.lifetime } },
        scopes: Object.fromEntries(input.scopes.map((scope) => [scope.name, { id: scope.id, action: 'GRANT' }])),
      },
    },
  };
}

/**
 * Calls a token hook at issuance. Resolves to the patched token or the reason it was skipped;
 * throws the `server_error` {@link OAuthError} when the hook answered `error`.
 */
export async function runTokenHook(input: TokenHookInput, options: HookCallOptions): Promise<HookOutcome> {
  const answer = await callHook(input.hook, tokenHookRequest(input), options);
  if (answer.kind === 'failed') return { kind: 'skipped', reason: answer.reason };
  if (answer.status !== 200) return { kind: 'skipped', reason: `it answered HTTP ${answer.status}` };
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return { kind: 'skipped', reason: 'its answer is not JSON' };
  }
  if (!isRecord(body)) return { kind: 'skipped', reason: 'its answer is not a JSON object' };
  if (body.error !== undefined && body.error !== null) {
    const summary = isRecord(body.error) && typeof body.error.errorSummary === 'string' && body.error.errorSummary.trim() ? body.error.errorSummary : DEFAULT_HOOK_ERROR;
    throw new OAuthError(400, 'server_error', summary);
  }
  const patched = applyCommands(body.commands, input.claims, input.lifetime);
  if ('failure' in patched) return { kind: 'skipped', reason: patched.failure };
  return { kind: 'patched', claims: patched.claims, lifetime: patched.lifetime };
}

type CallAnswer = { readonly kind: 'answered'; readonly status: number; readonly body: string } | { readonly kind: 'failed'; readonly reason: string };

/** POSTs a JSON body to a hook's URI with its headers and authScheme, within the deadline. */
export function callHook(hook: InlineHookRecord, body: unknown, options: HookCallOptions): Promise<CallAnswer> {
  const text = JSON.stringify(body);
  const url = new URL(hook.channel.uri);
  const headers: Record<string, string> = {};
  for (const header of hook.channel.headers) headers[header.key] = header.value;
  if (hook.channel.auth) headers[hook.channel.auth.key] = hook.channel.auth.value;
  Object.assign(headers, { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: CallAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'failed', reason: `it did not answer within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', headers, ...(options.ca ? { ca: options.ca } : {}) });
    request.on('error', (error) => finish({ kind: 'failed', reason: `it could not be reached (${messageOf(error)})` }));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) finish({ kind: 'failed', reason: `its answer is larger than ${MAX_ANSWER_BYTES} bytes` });
        else chunks.push(chunk);
      });
      response.on('error', (error) => finish({ kind: 'failed', reason: `its answer broke off (${messageOf(error)})` }));
      response.on('end', () => finish({ kind: 'answered', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.end(text);
  });
}

type Patched = { readonly claims: JsonRecord; readonly lifetime: number } | { readonly failure: string };

/**
 * Applies a hook's `commands` to a copy of the token's claims. Only `com.okta.access.patch` fits a
 * client_credentials request (there is no ID token); any command or operation that cannot be
 * applied fails the whole patch.
 */
export function applyCommands(commands: unknown, claims: JsonRecord, lifetime: number): Patched {
  if (commands === undefined || commands === null) return { claims, lifetime };
  if (!Array.isArray(commands)) return { failure: 'commands is not an array' };
  const copy = structuredClone(claims);
  let current = lifetime;
  for (const command of commands) {
    if (!isRecord(command)) return { failure: 'a command is not an object' };
    if (command.type !== 'com.okta.access.patch') {
      return { failure: `command ${JSON.stringify(command.type)?.slice(0, 60) ?? 'without a type'} does not apply to this request (only com.okta.access.patch does)` };
    }
    if (!Array.isArray(command.value)) return { failure: 'a command value is not a list of operations' };
    for (const operation of command.value) {
      const result = applyOperation(copy, operation);
      if (typeof result === 'string') return { failure: result };
      if (result !== undefined) current = result;
    }
  }
  return { claims: copy, lifetime: current };
}

/** Applies one operation; a string is why it cannot be, a number a new lifetime. */
function applyOperation(claims: JsonRecord, operation: unknown): string | number | undefined {
  if (!isRecord(operation)) return 'an operation is not an object';
  const { op, path, value } = operation;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') return `op ${JSON.stringify(op)?.slice(0, 30) ?? 'undefined'} is not add, replace or remove`;
  if (typeof path !== 'string') return 'an operation has no path';
  if (path === '/token/lifetime/expiration') {
    if (op !== 'replace') return 'the token lifetime can only be replaced';
    if (typeof value !== 'number' || !Number.isInteger(value) || value < LIFETIME.min || value > LIFETIME.max) {
      return `the token lifetime must be ${LIFETIME.min} to ${LIFETIME.max} seconds`;
    }
    return value;
  }
  const segments = pointer(path);
  if (!segments || segments[0] !== 'claims' || segments.length < 2) return `path ${path.slice(0, 80)} is not /claims/<name> or /token/lifetime/expiration`;
  const [, name = '', ...rest] = segments;
  if (RESERVED.has(name)) return `${name} is a reserved claim`;
  if (REPLACEABLE_ONLY.has(name) && (op === 'remove' || rest.length > 0)) return `${name} can only be replaced`;
  if (op === 'remove' && value !== undefined && value !== null) return 'a remove operation takes no value';
  if (op !== 'remove' && value === undefined) return `${op} without a value`;
  // The parent of the target: the claims, or a member (object or array) inside a claim.
  let parent: unknown = claims;
  for (const key of [name, ...rest].slice(0, -1)) {
    parent = member(parent, key);
    if (parent === undefined) return `${path.slice(0, 80)} does not exist in the token`;
  }
  const last = rest.length ? (rest.at(-1) ?? '') : name;
  return Array.isArray(parent) ? arrayOperation(parent, last, op, value, path) : objectOperation(parent as JsonRecord, last, op, value, path);
}

function objectOperation(target: JsonRecord, key: string, op: 'add' | 'replace' | 'remove', value: unknown, path: string): string | undefined {
  const exists = Object.hasOwn(target, key);
  if (op !== 'add' && !exists) return `${path.slice(0, 80)} does not exist in the token`;
  if (op === 'remove') delete target[key];
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return undefined;
}

function arrayOperation(target: unknown[], key: string, op: 'add' | 'replace' | 'remove', value: unknown, path: string): string | undefined {
  const index = key === '-' && op === 'add' ? target.length : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
  if (index < 0 || index > target.length || (op !== 'add' && index === target.length)) return `${path.slice(0, 80)} is not an element of the array`;
  if (op === 'add') target.splice(index, 0, value);
  else if (op === 'replace') target[index] = value;
  else target.splice(index, 1);
  return undefined;
}

/** An object member or array element, or undefined. */
function member(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^(0|[1-9]\d*)$/.test(key) ? value[Number(key)] : undefined;
  if (isRecord(value) && Object.hasOwn(value, key)) {
    const found = value[key];
    return isRecord(found) || Array.isArray(found) ? found : undefined;
  }
  return undefined;
}

/** A JSON Pointer's segments (RFC 6901), or undefined when it is not one. */
function pointer(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  const segments = path.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.some((segment) => segment === '' || segment === '__proto__') ? undefined : segments;
}
