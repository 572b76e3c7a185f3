/**
 * Diagnostics for payload files: live as the user types (debounced), on open, removed on close.
 * Each diagnostic carries its rule code with a link to the explanation, and related places.
 */
import * as vscode from 'vscode';
import type { LocatedFinding, LocatedRange } from '../core';
import { Disposable } from './disposable';
import { forgetLint, isLintable, lintForEditor } from './lint';
import { log } from './log';
import { ruleUri } from './rule-docs';
import { affectsSettings, readSettings } from './settings';

export const DIAGNOSTIC_SOURCE = 'agbac';
const DEBOUNCE_MS = 200;

export function toRange(range: LocatedRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const SEVERITY: Record<LocatedFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toDiagnostic(finding: LocatedFinding, uri: vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.code, target: ruleUri(finding.code) };
  if (finding.relatedLocations.length) {
    diagnostic.relatedInformation = finding.relatedLocations.map(
      (related) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(related.range)), related.message),
    );
  }
  return diagnostic;
}

export class PayloadDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((document) => this.lint(document)));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.cancel(document.uri);
        this.collection.delete(document.uri);
        forgetLint(document);
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSettings(event)) this.lintOpenDocuments();
      }),
    );
    this._register({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    this.lintOpenDocuments();
  }

  lintOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) this.lint(document);
  }

  /** Lints now. Never throws: a failure is logged and the document's diagnostics are cleared. */
  lint(document: vscode.TextDocument): void {
    this.cancel(document.uri);
    try {
      const settings = readSettings(document.uri);
      if (!isLintable(document, settings)) return;
      const { findings } = lintForEditor(document, settings);
      this.collection.set(document.uri, findings.map((finding) => toDiagnostic(finding, document.uri)));
    } catch (error) {
      log.error('diagnostics', `linting ${document.uri.fsPath} failed`, error);
      this.collection.delete(document.uri);
    }
  }

  /** Sets diagnostics for a file that is not open (Lint Workspace). */
  set(uri: vscode.Uri, findings: readonly LocatedFinding[]): void {
    this.collection.set(uri, findings.map((finding) => toDiagnostic(finding, uri)));
  }

  private schedule(document: vscode.TextDocument): void {
    this.cancel(document.uri);
    this.pending.set(
      document.uri.toString(),
      setTimeout(() => this.lint(document), DEBOUNCE_MS),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer) clearTimeout(timer);
    this.pending.delete(key);
  }
}
