/**
 * Read-only documents that explain a rule: `agbac-rule:/AGBAC010.md`. A diagnostic's code links
 * here, so the explanation opens in the editor, offline.
 */
import * as vscode from 'vscode';
import { explainRule, findRule } from '../core';

export const RULE_SCHEME = 'agbac-rule';

export function ruleUri(code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${code}.md` });
}

export class RuleDocumentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const rule = findRule(code);
    return rule ? `${explainRule(rule, 'markdown')}\n` : `## ${code}\n\nNo such AGBAC rule.\n`;
  }
}
