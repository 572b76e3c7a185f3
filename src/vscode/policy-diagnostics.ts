/**
 * Diagnostics for delegation policy files written in YAML (`*.agbac-policy.yaml`, `.yml`): every
 * problem `agbac verify --policy` would name, at its place, as you type. JSON policy files
 * (`*.agbac-policy.json`) get the published JSON schema through `contributes.jsonValidation`
 * instead, so nothing is reported twice. The YAML reader loads on the first policy file opened.
 */
import * as vscode from 'vscode';
import { formatPolicyPath } from '../core';
import { Disposable } from './disposable';
import { log } from './log';

/** A YAML delegation policy file, by its name. */
export function isYamlPolicyFile(fileName: string): boolean {
  return /(^|[\\/])([^\\/]*\.)?agbac-policy\.ya?ml$/i.test(fileName);
}

const SOURCE = 'agbac';
const CODE = 'delegation-policy';

export class PolicyDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('agbac-policy'));
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, 200)));
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    this._register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** The diagnostics shown for a document (tests read them). */
  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isYamlPolicyFile(document.fileName)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.check(document).catch((error: unknown) => log.error('policy', `checking ${document.fileName} failed`, error));
    }, delayMs));
  }

  private async check(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const { parsePolicyText } = await import('../core/policy-text');
    const { problems } = parsePolicyText(document.getText());
    this.collection.set(document.uri, problems.map((problem) => {
      const start = document.positionAt(problem.offset);
      const end = document.positionAt(problem.offset + Math.max(problem.length, 1));
      const where = problem.path.length ? `${formatPolicyPath(problem.path)}: ` : '';
      const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end), `${where}${problem.message}`, vscode.DiagnosticSeverity.Error);
      diagnostic.source = SOURCE;
      diagnostic.code = CODE;
      return diagnostic;
    }));
  }
}
