/**
 * The sandbox's HTTP plumbing over node:http: a small route table, bounded request bodies,
 * JSON answers that always carry `Content-Type`, Okta-style errors, and one log line per request
 * (method, path and status only: never a query, header, body or token).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { messageOf } from '../core';
import { ApiError, apiErrors, OAuthError } from './errors';
import { newRequestId } from './ids';

export interface Reply {
  readonly status: number;
  /** Serialized as JSON; absent for an empty body (e.g. 204). */
  readonly body?: unknown;
  /** A page instead of JSON (the sign-in page): sent as `text/html` with a strict Content-Security-Policy. */
  readonly html?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The request URL (its origin is a placeholder: use the sandbox's org URL for links). */
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (context: RequestContext) => Promise<Reply> | Reply;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

type Resolution = { handler: Handler; params: Record<string, string> } | { allowed: string[] } | undefined;

/** Routes by method and path; `:name` segments become parameters. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler and parameters for a request, the allowed methods when only the method is wrong, or undefined. */
  resolve(method: string, pathname: string): Resolution {
    const parts = pathname.split('/').filter(Boolean);
    let decoded: string[];
    try {
      decoded = parts.map((part) => decodeURIComponent(part));
    } catch {
      return undefined;
    }
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, decoded);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length ? { allowed: [...new Set(allowed)] } : undefined;
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index] ?? '';
    const actual = parts[index] ?? '';
    if (expected.startsWith(':')) {
      if (!actual) return undefined;
      params[expected.slice(1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

/** A request body larger than the route allows. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/** The client went away (or broke the connection) before its body arrived. */
class BodyReadError extends Error {}

/** Bodies beyond this are not even drained: the connection is cut. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. A larger body is drained (up to 8 MiB, so the
 * client can read the answer) and rejected with {@link BodyTooLargeError}.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        break;
      }
      if (size <= limit) chunks.push(buffer);
    }
  } catch (error) {
    throw new BodyReadError(`the request body could not be read: ${messageOf(error)}`);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}

/** The media type of a request, lower case, without parameters (`application/json`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The answer for a thrown error: OAuth errors in OAuth's shape, everything else in the Management API's. */
function errorReply(error: unknown, log?: (line: string) => void): Reply {
  if (error instanceof OAuthError) {
    return { status: error.status, body: error.body(), headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' } };
  }
  if (error instanceof ApiError) return { status: error.status, body: error.body(), headers: error.headers };
  if (error instanceof BodyReadError) return { status: 400, body: apiErrors.malformedBody(error.message).body() };
  log?.(`internal error: ${messageOf(error)}`);
  return { status: 500, body: apiErrors.internal().body() };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) {
    res.end();
    return;
  }
  const text = reply.html ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  res.statusCode = reply.status;
  if (reply.html === undefined) {
    res.setHeader('Content-Type', 'application/json');
  } else {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // No script at all; styles inline; never framed (a sign-in page must not be clickjacked).
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
  }
  res.setHeader('X-Okta-Request-Id', newRequestId());
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.status !== 204 && reply.status !== 304) res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(reply.status === 204 ? undefined : text);
}

/**
 * A request listener over a router. Unknown paths answer 404 (E0000007), a known path with the
 * wrong method 405 (E0000022); a handler that throws never takes the server down.
 */
export function requestListener(router: Router, log?: (line: string) => void): RequestListener {
  return (req, res) => {
    res.on('error', () => undefined);
    void handle(router, req, res, log);
  };
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse, log?: (line: string) => void): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let pathname = '/';
  let reply: Reply;
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    pathname = url.pathname;
    const resolved = router.resolve(method === 'HEAD' ? 'GET' : method, pathname);
    if (!resolved) {
      reply = errorReply(apiErrors.notFound(pathname, 'Request'));
    } else if ('allowed' in resolved) {
      const error = errorReply(apiErrors.methodNotAllowed(method));
      reply = { ...error, headers: { Allow: resolved.allowed.join(', ') } };
    } else {
      reply = await resolved.handler({ req, method, url, params: resolved.params });
    }
  } catch (error) {
    reply = errorReply(error, log);
  }
  try {
    send(res, reply);
  } catch (error) {
    log?.(`could not answer ${method} ${pathname}: ${messageOf(error)}`);
    res.destroy();
  }
  log?.(`${method} ${pathname} ${reply.status}`);
}
