/**
 * What a person sees, read by the bridge's Playwright on request (test/vscode/bridge/bridge.mjs,
 * "Page requests"): rendered tree rows, notifications, the inspector's webview, screenshots. A
 * request is a log line; the answer is a file the bridge writes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let counter = 0;

interface Answer<T> {
  readonly ok: boolean;
  readonly result?: T;
  readonly error?: string;
}

/** Sends one page request and waits for its answer. */
export async function page<T>(request: Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
  const dir = process.env.AGBAC_VSCODE_PAGE_DIR;
  if (!dir) throw new Error('AGBAC_VSCODE_PAGE_DIR is not set: page requests need the bridge (test/vscode/run.ts)');
  const id = `p${process.pid}-${Date.now()}-${++counter}`;
  console.log(`agbac-page: ${JSON.stringify({ id, ...request })}`);
  const file = join(dir, `${id}.json`);
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (existsSync(file)) {
      const answer = JSON.parse(readFileSync(file, 'utf8')) as Answer<T>;
      if (!answer.ok) throw new Error(`page request ${String(request.action)} failed: ${answer.error ?? '?'}`);
      return answer.result as T;
    }
    if (Date.now() > deadline) throw new Error(`the bridge did not answer the page request ${JSON.stringify(request)} within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

export interface Element {
  readonly text: string;
  readonly attributes: Readonly<Record<string, string | null>>;
}

/** The elements a selector matches in the workbench, in the extension's webviews, or in another tab the test opened (`page`). */
export async function query(selector: string, options: { webview?: string; attributes?: string[]; page?: string } = {}): Promise<Element[]> {
  const answer = await page<{ frames: number; items: Element[] }>({ action: 'query', selector, ...options });
  return answer.items;
}

/** Polls a query until `ready` accepts its elements. */
export async function queryUntil(
  selector: string,
  ready: (elements: Element[]) => boolean,
  options: { webview?: string; attributes?: string[]; page?: string; timeoutMs?: number } = {},
): Promise<Element[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: Element[] = [];
  while (Date.now() < deadline) {
    last = await query(selector, options);
    if (ready(last)) return last;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${selector}${options.webview ? ` in ${options.webview}'s webview` : ''} never became ready; last: ${JSON.stringify(last.map((element) => element.text)).slice(0, 2000)}`);
}

/**
 * Types a secret into the focused input of the page. It travels in a file the bridge deletes once
 * read, never in a request (requests are log lines, and the workbench keeps its log).
 */
export async function fillSecret(selector: string, secret: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'agbac-fill-')), 'text');
  writeFileSync(file, secret, { mode: 0o600 });
  await page({ action: 'fill', selector, textFile: file });
}

/** Where the run's screenshots go: out/screenshots (the README's copies are in media/screenshots). */
export function screenshotPath(name: string): string {
  return resolve(process.env.AGBAC_SCREENSHOT_DIR ?? join(__dirname, '..', 'screenshots'), name);
}

/** A PNG of the workbench, or of one element of it, once `waitFor` selectors are visible. */
export async function screenshot(name: string, waitFor: string[] = [], element?: string): Promise<string> {
  return page<string>({ action: 'screenshot', path: screenshotPath(name), waitFor, ...(element ? { element } : {}) });
}
