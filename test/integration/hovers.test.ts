/** Hovers on claims in payload files and on JWTs in any file. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, hoverText, open, positionOf, workspaceUri } from './helpers';

describe('hovers', () => {
  afterEach(closeAll);

  it('explain a claim key, with Okta\'s specifics, in any JSON that holds payloads', async () => {
    const editor = await open(workspaceUri('payloads', 'batch.json'));
    const text = await hoverText(editor.document.uri, positionOf(editor.document, '"aud"', 2));
    assert.match(text, /\*\*`aud`\*\*: Audience: the token endpoint/);
    assert.match(text, /Okta accepts only the exact URL of the token endpoint/);
  });

  it('leave the claim description to the schema in *.assertion.json (said once, not twice)', async () => {
    const editor = await open(workspaceUri('payloads', 'guide.assertion.json'));
    const text = await hoverText(editor.document.uri, positionOf(editor.document, '"aud"', 2));
    assert.equal(text.split('Okta accepts only the exact URL of the token endpoint').length - 1, 1, text);
  });

  it('explain act with the RFC 8693 note, and act.sub', async () => {
    const editor = await open(workspaceUri('payloads', 'batch.json'));
    assert.match(await hoverText(editor.document.uri, positionOf(editor.document, '"act"', 2)), /RFC 8693 §4\.1/);
    const sub = editor.document.getText().lastIndexOf('"sub"');
    assert.match(await hoverText(editor.document.uri, editor.document.positionAt(sub + 2)), /The human's Okta user id/);
  });

  it('read time claims as an ISO time and relative to now', async () => {
    const editor = await open(workspaceUri('payloads', 'guide.assertion.json'));
    const text = await hoverText(editor.document.uri, positionOf(editor.document, '1735686300', 3));
    assert.match(text, /`2024-12-31T23:05:00Z` \(expired \d+ (y|d) ago\)/);
  });

  it('decode a JWT in a Markdown file: kind, subjects, problems, and an inspect link', async () => {
    const editor = await open(workspaceUri('payloads', 'notes.md'));
    const text = await hoverText(editor.document.uri, positionOf(editor.document, 'eyJraWQi', 10));
    assert.match(text, /\*\*Access token\*\* · `RS256` · kid `k1` · signature not verified/);
    assert.match(text, /agent \(`sub`\) \| `0oa123abc456xyz`/);
    assert.match(text, /human \(`act\.sub`\) \| \*\*none\*\*/);
    assert.match(text, /AGBAC113/);
    assert.match(text, /command:agbac\.decodeToken\?/);
  });

  it('say nothing away from claims and tokens', async () => {
    const editor = await open(workspaceUri('payloads', 'notes.md'));
    assert.doesNotMatch(await hoverText(editor.document.uri, new vscode.Position(0, 3)), /AGBAC|token/i);
  });
});
