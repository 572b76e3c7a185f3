/**
 * Read-only documents that explain a rule: `agbac-rule:/AGBAC010.md`. A diagnostic's code links
 * here, so the explanation opens in the editor, offline.
 */
import * as vscode from 'vscode';
import { findRule, type Rule } from '../core';

export const RULE_SCHEME = 'agbac-rule';

export function ruleUri(code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${code}.md` });
}

/** The explanation of a rule as Markdown. */
export function ruleMarkdown(rule: Rule): string {
  return [
    `# ${rule.code} ${rule.name}`,
    '',
    `Severity: **${rule.severity}**${rule.templateSeverity ? ` (${rule.templateSeverity} in an unsigned payload file)` : ''}. Checks: ${rule.targets.join(', ')}${rule.profiles ? ` (${rule.profiles.join(', ')})` : ''}. Points at \`${rule.path}\`.`,
    '',
    `> ${rule.message}`,
    '',
    rule.explanation,
    ...(rule.reference ? ['', `Source: ${rule.reference}.`] : []),
    '',
  ].join('\n');
}

export class RuleDocumentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const rule = findRule(code);
    return rule ? ruleMarkdown(rule) : `# ${code}\n\nNo such AGBAC rule.\n`;
  }
}
