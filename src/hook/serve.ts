/**
 * Serving the hook on Node: HTTP (behind a proxy that terminates TLS) or HTTPS with a given
 * certificate, through Hono's Node adapter. `close()` stops accepting, lets requests in flight
 * finish (Okta waits at most 3 s for them anyway), then cuts what is left.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { messageOf } from '../core';
import { HookError } from './errors';

export interface ServeOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** PEM certificate (chain) and private key: serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The URL Okta calls when it differs from the listening address (a proxy in front). */
  readonly publicUrl?: string;
  /** Builds the handler once the hook's URL is known (with port 0 it is known only after listening). */
  readonly handler: (hookUrl: string) => { fetch: (request: Request) => Response | Promise<Response> };
  /** Receives problems the handler could not answer (never request contents). */
  readonly log?: (line: string) => void;
}

export interface HookServer {
  /** The URL to register with Okta (`channel.config.uri`): the public URL, or where it listens. */
  readonly url: string;
  /** Where it listens. */
  readonly listenUrl: string;
  close(): Promise<void>;
}

/** How long requests in flight may take to finish on close. */
const DRAIN_MS = 3_500;

/** Starts serving. Rejects with a {@link HookError} when the port or the TLS material cannot be used. */
export async function serveHook(options: ServeOptions): Promise<HookServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const state: { fetch?: (request: Request) => Response | Promise<Response> } = {};
  const adapter = getRequestListener(
    (request) => (state.fetch ? state.fetch(request) : new Response('starting', { status: 503 })),
    {
      // Keep Node's own Request and Response: the process may run other code that uses them.
      overrideGlobalObjects: false,
      errorHandler: (error) => {
        options.log?.(`could not answer a request: ${messageOf(error)}`);
      },
    },
  );
  const listener = (req: IncomingMessage, res: ServerResponse) => void adapter(req, res);
  let server: Server;
  try {
    server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  } catch (error) {
    throw new HookError('ERR_HOOK_TLS', `the TLS certificate or key cannot be used: ${messageOf(error)}`, { cause: error });
  }
  server.on('clientError', (_error, socket) => socket.destroy());
  await listen(server, host, port);
  const address = server.address() as AddressInfo;
  const listenUrl = `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${address.port}/`;
  const url = options.publicUrl ?? listenUrl;
  state.fetch = options.handler(url).fetch;

  let closing: Promise<void> | undefined;
  return {
    url,
    listenUrl,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'no permission' : messageOf(error);
      reject(new HookError('ERR_HOOK_LISTEN', `cannot listen on ${host}:${port}: ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The host as it goes in a URL: IPv6 in brackets; a wildcard address becomes loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
