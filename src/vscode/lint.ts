/**
 * Linting documents for the editor: which documents are payload files, the options from the
 * settings and the active connection, and what the JSON schema already reports.
 */
import * as vscode from 'vscode';
import { connectionUrls, documentKindOf, epochSeconds, lintDocument, type LintOptions, type LintResult, RULES } from '../core';
import { LintCache } from './model/lint-cache';
import { readSettings, type Settings } from './settings';

/** The file patterns that `contributes.jsonValidation` attaches the payload schema to. */
const SCHEMA_PATTERNS = [/\.assertion\.json$/i, /\.agbac\.json$/i];

/** Rules whose problem the JSON schema reports itself in schema-validated files (a wrong JSON type). */
const SCHEMA_RULES = new Set(RULES.filter((rule) => rule.schemaType).map((rule) => rule.code));

/** The lint options for a document: the profile, the audience convention and the active connection. */
export function lintOptions(settings: Settings, document: { fileName: string }, now = epochSeconds(new Date())): LintOptions {
  const connection = settings.activeConnection;
  const urls = connection ? connectionUrls(connection) : undefined;
  const common = { profile: settings.profile, clockSkewSeconds: settings.clockSkewSeconds };
  return {
    now,
    kind: documentKindOf(document.fileName),
    assertion: {
      ...common,
      audienceStyle: connection?.audienceStyle ?? settings.assertionAudience,
      ...(connection ? { clientId: connection.clientId, authMethod: connection.authMethod } : {}),
      ...(urls ? { tokenEndpoint: urls.tokenEndpoint, issuer: urls.issuer } : {}),
      ...(connection?.apiAudience ? { apiAudience: connection.apiAudience } : {}),
    },
    token: {
      ...common,
      ...(urls ? { issuer: urls.issuer } : {}),
      ...(connection?.apiAudience ? { audience: connection.apiAudience } : {}),
    },
  };
}

/** Whether the editor should lint this document at all. */
export function isLintable(document: vscode.TextDocument, settings: Settings): boolean {
  if (document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return false;
  if (document.languageId === 'json' || document.languageId === 'jsonc') return true;
  return settings.files.some((glob) => vscode.languages.match({ pattern: glob }, document) > 0);
}

/** Whether VS Code's JSON support validates this document with the payload schema (and shows its descriptions). */
export function isSchemaValidated(document: vscode.TextDocument): boolean {
  return (document.languageId === 'json' || document.languageId === 'jsonc') && SCHEMA_PATTERNS.some((pattern) => pattern.test(document.fileName));
}

/**
 * Lints a document for the editor: JSON syntax errors are left to VS Code's JSON support, and
 * type errors to the schema in the files it validates, so nothing is reported twice.
 */
export function lintForEditor(document: vscode.TextDocument, settings = readSettings(document.uri)): LintResult {
  const now = epochSeconds(new Date());
  const options = lintOptions(settings, document, now);
  const key = JSON.stringify({ ...options, now: 0, language: document.languageId });
  return cache.get(document.uri.toString(), document.version, key, now, () => editorFindings(document, options));
}

/** Forgets the kept lint result of a closed document. */
export function forgetLint(document: vscode.TextDocument): void {
  cache.forget(document.uri.toString());
}

/** One lint result per open document and version, shared by diagnostics, hovers and code actions. */
const cache = new LintCache<LintResult>();
let runs = 0;

/** How many times a whole document was linted since activation. */
export function lintRuns(): number {
  return runs;
}

function editorFindings(document: vscode.TextDocument, options: LintOptions): LintResult {
  runs++;
  const result = lintDocument(document.getText(), options);
  const jsonLanguage = document.languageId === 'json' || document.languageId === 'jsonc';
  const schemaValidated = isSchemaValidated(document);
  const findings = result.findings.filter(
    (finding) =>
      !(finding.code === 'AGBAC000' && jsonLanguage) && !(schemaValidated && finding.site?.origin === 'object' && SCHEMA_RULES.has(finding.code)),
  );
  return { ...result, findings };
}
