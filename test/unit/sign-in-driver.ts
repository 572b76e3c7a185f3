/**
 * Plays the person at the sandbox's sign-in page over HTTP, as a browser would: opens the
 * authorization URL, fills in the form, and follows the redirect back to wherever it points (the
 * app's loopback listener). For tests of the sign-in clients; the real browser is driven by
 * Playwright in the VS Code suite.
 */
import assert from 'node:assert/strict';

export interface PersonAtPage {
  readonly username: string;
  readonly password: string;
  readonly decision?: 'allow' | 'deny';
}

/** Completes a sign-in the app started at `url`; resolves with the status of the app's loopback answer. */
export async function completeSignIn(url: string, person: PersonAtPage): Promise<number> {
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  assert.equal(page.status, 200, html);
  const txn = /name="txn" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(txn, 'the sign-in page carries its transaction');
  const form = await fetch(new URL(url).origin + new URL(url).pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ txn, username: person.username, password: person.password, decision: person.decision ?? 'allow' }).toString(),
  });
  const location = form.headers.get('location');
  assert.equal(form.status, 302, await form.text());
  assert.ok(location);
  const back = await fetch(location);
  await back.text();
  return back.status;
}
