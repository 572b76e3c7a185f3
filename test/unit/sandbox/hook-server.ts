/** A scriptable stand-in for a token inline hook service: records what Okta sent, answers as told. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonRecord } from '../../../src/core';

export interface HookCall {
  readonly headers: IncomingHttpHeaders;
  readonly body: JsonRecord;
}

export interface Answer {
  readonly status?: number;
  /** A string is sent as it is; anything else as JSON. */
  readonly body?: unknown;
  readonly delayMs?: number;
}

export interface FakeHook {
  readonly url: string;
  readonly calls: HookCall[];
  /** What the next calls answer (the last one repeats). */
  answer: (call: HookCall) => Answer;
  close(): Promise<void>;
}

export async function fakeHook(answer: (call: HookCall) => Answer = () => ({ body: { commands: [] } })): Promise<FakeHook> {
  const calls: HookCall[] = [];
  const hook: { answer: (call: HookCall) => Answer } = { answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as JsonRecord };
      calls.push(call);
      const { status = 200, body = { commands: [] }, delayMs = 0 } = hook.answer(call);
      setTimeout(() => {
        if (res.destroyed) return;
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    get answer() {
      return hook.answer;
    },
    set answer(next) {
      hook.answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A patch answer adding one claim. */
export function addClaim(name: string, value: unknown): Answer {
  return { body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: `/claims/${name}`, value }] }] } };
}
