/** A scriptable loopback HTTP server for fault injection: each request gets the next scripted answer. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Answer = (request: Seen, response: ServerResponse) => void;

export interface FakeServer {
  readonly url: string;
  readonly seen: Seen[];
  /** Answers for the next requests, in order; the last one repeats. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function fakeServer(): Promise<FakeServer> {
  const seen: Seen[] = [];
  let answers: Answer[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      const answer = answers.length > 1 ? answers.shift() : answers[0];
      if (answer) answer(entry, response);
      else json(500, { error: 'server_error' })(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    script: (...next) => {
      answers = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

export function text(status: number, body: string, contentType: string): Answer {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(body);
  };
}

/** Never answers (until the server closes). */
export const hang: Answer = () => undefined;
