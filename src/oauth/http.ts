/**
 * A small HTTP(S) client on node:http(s) for talking to authorization servers: a deadline for the
 * whole exchange, a cap on the answer's size, an extra CA for local HTTPS, and failures that say
 * what went wrong (refused, timed out, untrusted certificate, too large) in one line.
 */
import { request as httpRequestRaw, type IncomingMessage } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { AgbacError, parseUrl, UrlError } from '../core';

export interface HttpRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Deadline for connecting, sending and reading the whole answer; default 10 s. */
  readonly timeoutMs?: number;
  /** Largest answer accepted; default 1 MiB. */
  readonly maxBytes?: number;
  /** Extra trusted CA certificates (PEM), e.g. the sandbox's. */
  readonly ca?: string;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly url: string;
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type NetworkFailure = 'timeout' | 'refused' | 'dns' | 'tls' | 'reset' | 'too-large' | 'aborted' | 'other';

const NETWORK_CODES = {
  timeout: 'ERR_NETWORK_TIMEOUT',
  refused: 'ERR_NETWORK_REFUSED',
  dns: 'ERR_NETWORK_DNS',
  tls: 'ERR_NETWORK_TLS',
  reset: 'ERR_NETWORK_RESET',
  'too-large': 'ERR_NETWORK_TOO_LARGE',
  aborted: 'ERR_NETWORK_ABORTED',
  other: 'ERR_NETWORK_OTHER',
} as const satisfies Record<NetworkFailure, string>;

/** The exchange failed before an HTTP answer was complete. */
export class NetworkError extends AgbacError {
  static override readonly code = 'ERR_NETWORK';
  override readonly code: (typeof NETWORK_CODES)[NetworkFailure];
  readonly failure: NetworkFailure;

  constructor(failure: NetworkFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = NETWORK_CODES[failure];
    this.failure = failure;
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Sends one request and reads the whole answer. Rejects only with {@link NetworkError}. */
export function httpRequest(options: HttpRequest): Promise<HttpResponse> {
  const url = parseUrl(options.url);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return Promise.reject(new UrlError(`not an http(s) URL: "${options.url}"`));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const where = url.origin;
  return new Promise<HttpResponse>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
    let settled = false;
    const finish = (error: NetworkError | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else if (response) {
        resolve(response);
      }
    };
    const timer = setTimeout(
      () => finish(new NetworkError('timeout', `no complete answer from ${where} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const onAbort = () => finish(new NetworkError('aborted', `the request to ${where} was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const request = send(url, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
        ...options.headers,
      },
      ...(options.ca ? { ca: options.ca } : {}),
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish(describeFailure(error, where)));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const declared = Number(response.headers['content-length']);
      if (declared > maxBytes) {
        finish(new NetworkError('too-large', `the answer from ${where} is ${declared} bytes, more than the ${maxBytes} accepted`));
        return;
      }
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) finish(new NetworkError('too-large', `the answer from ${where} is larger than the ${maxBytes} bytes accepted`));
        else chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => finish(describeFailure(error, where)));
      response.on('aborted', () => finish(new NetworkError('reset', `${where} closed the connection before the answer was complete`)));
      response.on('end', () =>
        finish(undefined, {
          url: options.url,
          status: response.statusCode ?? 0,
          headers: flattenHeaders(response.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.end(options.body);
    if (options.signal?.aborted) onAbort();
  });
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_NOT_YET_VALID', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

function describeFailure(error: NodeJS.ErrnoException, where: string): NetworkError {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return new NetworkError('refused', `${where} refused the connection: is the server running?`, { cause: error });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new NetworkError('dns', `cannot resolve the host of ${where}: check the URL`, { cause: error });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
    return new NetworkError('reset', `${where} closed the connection (${code})`, { cause: error });
  }
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(error.message)) {
    return new NetworkError(
      'tls',
      `TLS with ${where} failed: ${error.message}. For a local HTTPS server, trust its CA (NODE_EXTRA_CA_CERTS, or the CA option)`,
      { cause: error },
    );
  }
  return new NetworkError('other', `request to ${where} failed: ${error.message}`, { cause: error });
}

/** An answer that should be JSON: its media type is checked and its body parsed, with clear errors. */
export function jsonBody(response: HttpResponse, what: string): unknown {
  const type = response.headers['content-type'] ?? '';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    const shown = type ? `"${type.split(';')[0] ?? type}"` : 'no Content-Type';
    throw new ResponseError(`${what}: HTTP ${response.status} with ${shown}, not JSON${excerpt(response.body)}`, response.status);
  }
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    throw new ResponseError(`${what}: HTTP ${response.status} with a body that is not valid JSON${excerpt(response.body)}`, response.status);
  }
}

/** The answer arrived but is not what the protocol promises. */
export class ResponseError extends AgbacError {
  static override readonly code = 'ERR_BAD_RESPONSE';
  override readonly code = 'ERR_BAD_RESPONSE';

  constructor(message: string, readonly status: number) {
    super(message);
  }
}

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  // Never echo something that looks like a token.
  const safe = text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, 'eyJ…');
  return ` (starts "${safe.slice(0, 80)}${safe.length > 80 ? '…' : ''}")`;
}
