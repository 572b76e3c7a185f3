/**
 * The native app's side of a browser sign-in (RFC 8252 §7.3): a one-request HTTP listener on the
 * loopback interface that waits for the authorization server to send the browser back with a
 * code. It answers the browser with a short page, accepts only the `state` it was given, and
 * closes as soon as it has an answer, a deadline passes, or the caller gives up.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgbacError, messageOf } from '../core';

export type SignInFailure = 'refused' | 'timeout' | 'listen' | 'aborted' | 'state';

const SIGN_IN_CODES = {
  refused: 'ERR_SIGN_IN_REFUSED',
  timeout: 'ERR_SIGN_IN_TIMEOUT',
  listen: 'ERR_SIGN_IN_LISTEN',
  aborted: 'ERR_SIGN_IN_ABORTED',
  state: 'ERR_SIGN_IN_STATE',
} as const satisfies Record<SignInFailure, string>;

/** A browser sign-in did not end with a code: the server refused it, it took too long, or the listener could not start. */
export class SignInError extends AgbacError {
  static override readonly code = 'ERR_SIGN_IN';
  override readonly code: (typeof SIGN_IN_CODES)[SignInFailure];
  readonly failure: SignInFailure;
  /** The OAuth `error` the authorization server sent back, for `refused`. */
  readonly error: string | undefined;

  constructor(failure: SignInFailure, message: string, options: { error?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = SIGN_IN_CODES[failure];
    this.failure = failure;
    this.error = options.error;
  }
}

export interface RedirectListenerOptions {
  /** The `state` sent with the authorization request; an answer with another state is ignored. */
  readonly state: string;
  /** A registered redirect URI to listen on (http, loopback, with a port); default `http://127.0.0.1:<free port>/callback`. */
  readonly redirectUri?: string;
  /** How long to wait for the browser; default 5 minutes. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RedirectListener {
  /** The redirect URI to send in the authorization request (with the port actually listened on). */
  readonly redirectUri: string;
  /** The code, once the browser comes back; rejects with a {@link SignInError}. */
  readonly code: Promise<string>;
  /** Stops listening (also done once `code` settles). */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Starts listening on the loopback interface. Rejects with a {@link SignInError} `listen` when it cannot. */
export async function listenForRedirect(options: RedirectListenerOptions): Promise<RedirectListener> {
  const target = loopbackTarget(options.redirectUri);
  let settle: { resolve: (code: string) => void; reject: (error: SignInError) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may stop waiting (close) before anyone reads `code`: never an unhandled rejection.
  code.catch(() => undefined);
  let done = false;
  const finish = (outcome: { code: string } | { error: SignInError }) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // Let the page reach the browser before the listener goes.
    setImmediate(() => {
      server.close();
      server.closeAllConnections();
    });
    if ('code' in outcome) settle?.resolve(outcome.code);
    else settle?.reject(outcome.error);
  };

  const server = createServer((req, res) => handle(req, res, target.path, options.state, finish));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new SignInError('listen', `cannot listen for the sign-in on ${target.host}:${target.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : messageOf(error)}`, { cause: error })),
    );
    server.listen(target.port, target.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => finish({ error: new SignInError('timeout', `no sign-in came back within ${Math.round(timeoutMs / 1000)} s`) }), timeoutMs);
  timer.unref();
  const onAbort = () => finish({ error: new SignInError('aborted', 'the sign-in was cancelled') });
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return {
    redirectUri: `http://${target.urlHost}:${port}${target.path}`,
    code,
    close: () => finish({ error: new SignInError('aborted', 'the sign-in was cancelled') }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, path: string, state: string, finish: (outcome: { code: string } | { error: SignInError }) => void): void {
  const url = new URL(req.url ?? '/', 'http://loopback.invalid');
  if (req.method !== 'GET' || url.pathname !== path) return answer(res, 404, 'Not the sign-in', 'This address only takes the sign-in coming back.');
  // Another state is someone else's request (or a forgery): answered, never taken.
  if (url.searchParams.get('state') !== state) return answer(res, 400, 'Not this sign-in', 'This answer does not belong to the sign-in that is waiting: start again from the app.');
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description') ?? '';
    answer(res, 200, 'Sign-in did not complete', `${error}${description ? `: ${description}` : ''}. You can close this tab.`);
    finish({ error: new SignInError('refused', `the authorization server refused the sign-in: ${error}${description ? `: ${description}` : ''}`, { error }) });
    return;
  }
  const code = url.searchParams.get('code');
  if (!code) return answer(res, 400, 'No code', 'The answer carries neither a code nor an error.');
  answer(res, 200, 'Signed in', 'You are signed in. You can close this tab and go back to the app.');
  finish({ code });
}

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(body);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Where to listen: the registered loopback redirect URI, or 127.0.0.1 on a free port at `/callback`. */
function loopbackTarget(redirectUri: string | undefined): { host: string; urlHost: string; port: number; path: string } {
  if (redirectUri === undefined) return { host: '127.0.0.1', urlHost: '127.0.0.1', port: 0, path: '/callback' };
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new SignInError('listen', `the redirect URI "${redirectUri}" is not an absolute URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new SignInError('listen', `the redirect URI must be http on the loopback interface (127.0.0.1, localhost or [::1]), got "${redirectUri}"`);
  }
  // The URI keeps the name that was registered; the listener binds the address it stands for.
  return { host: host === 'localhost' ? '127.0.0.1' : host, urlHost: url.hostname, port: url.port ? Number(url.port) : 0, path: url.pathname || '/' };
}
