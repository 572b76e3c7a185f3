/**
 * Hovers: on claims in payload files (meaning, Okta's specifics, times in words) and on JWTs in
 * any file (a decoded summary, the two subjects, validity, and a link to inspect it).
 */
import { getLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { describeClaim, describeJwt, describeTime, epochSeconds, findJwts, isRecord, parseJwt } from '../core';
import { isLintable, isSchemaValidated, lintForEditor, lintOptions } from './lint';
import { log } from './log';
import { readSettings } from './settings';

const DECODE_COMMAND = 'agbac.decodeToken';

export class PayloadHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    try {
      return this.jwtHover(document, position) ?? this.claimHover(document, position);
    } catch (error) {
      log.error('hover', `hover in ${document.uri.fsPath} failed`, error);
      return undefined;
    }
  }

  private jwtHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    const jwt = findJwts(line).find((found) => position.character >= found.offset && position.character <= found.offset + found.length);
    if (!jwt) return undefined;
    const parsed = parseJwt(jwt.token);
    const range = new vscode.Range(position.line, jwt.offset, position.line, jwt.offset + jwt.length);
    const markdown = new vscode.MarkdownString(undefined, true);
    if (!parsed.ok) {
      markdown.appendMarkdown(`**Not a readable JWT**: ${parsed.error.message}`);
      return new vscode.Hover(markdown, range);
    }
    markdown.appendMarkdown(describeJwt(parsed.jwt, lintOptions(readSettings(document.uri), document)));
    const args = encodeURIComponent(JSON.stringify([jwt.token]));
    markdown.appendMarkdown(`\n\n[$(search) Inspect the decoded token](command:${DECODE_COMMAND}?${args} "Open the header and payload")`);
    markdown.isTrusted = { enabledCommands: [DECODE_COMMAND] };
    return new vscode.Hover(markdown, range);
  }

  private claimHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const settings = readSettings(document.uri);
    if (!isLintable(document, settings)) return undefined;
    const text = document.getText();
    const location = getLocation(text, document.offsetAt(position));
    const { sites } = lintForEditor(document, settings);
    const site = sites.find(
      (candidate) => candidate.origin === 'object' && candidate.path.length <= location.path.length && candidate.path.every((segment, index) => location.path[index] === segment),
    );
    if (!site) return undefined;
    const claimPath = location.path.slice(site.path.length).slice(0, 2);
    if (claimPath.length === 0) return undefined;
    const value = claimPath.reduce<unknown>((current, segment) => (isRecord(current) ? current[String(segment)] : undefined), site.payload);
    const now = epochSeconds(new Date());
    // Where the payload schema applies, VS Code already shows the claim's description: add only
    // what the schema cannot say, the time in words.
    const markdown = isSchemaValidated(document) && site.path.length === 0 ? describeTime(claimPath, value, now) : describeClaim(site.kind, claimPath, value, now);
    if (!markdown) return undefined;
    const range = document.getWordRangeAtPosition(position, /"[^"]*"|[\w.+-]+/);
    return new vscode.Hover(new vscode.MarkdownString(markdown), range);
  }
}
