/**
 * Quick fixes for the findings that have one. Each edit comes from the core (`fixFor`), so
 * applying it removes the finding. The act.sub fix looks the user id up when a connection with a
 * Management API token exists, lazily, when the fix is chosen.
 */
import * as vscode from 'vscode';
import { connectionUrls, epochSeconds, messageOf, type FixContext, fixFor, isRecord, type LocatedFinding, looksLikeEmail } from '../core';
import { DIAGNOSTIC_SOURCE, toRange } from './diagnostics';
import { lintForEditor } from './lint';
import { log } from './log';
import { readSettings } from './settings';

/** Looks a user id up by email or login; undefined when it cannot (no connection, no token, not found). */
export type UserIdLookup = (emailOrLogin: string) => Promise<string | undefined>;

class FixAction extends vscode.CodeAction {
  constructor(
    title: string,
    readonly document: vscode.TextDocument,
    readonly finding: LocatedFinding,
    readonly context: FixContext,
    readonly lookupEmail: string | undefined,
  ) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

export class PayloadCodeActions implements vscode.CodeActionProvider<FixAction> {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly lookup: UserIdLookup) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): FixAction[] {
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    try {
      const settings = readSettings(document.uri);
      const { findings } = lintForEditor(document, settings);
      const connection = settings.activeConnection;
      const urls = connection ? connectionUrls(connection) : undefined;
      const fixContext: FixContext = {
        now: epochSeconds(new Date()),
        newId: () => crypto.randomUUID(),
        audienceStyle: connection?.audienceStyle ?? settings.assertionAudience,
        ...(connection ? { clientId: connection.clientId } : {}),
        ...(urls ? { tokenEndpoint: urls.tokenEndpoint, issuer: urls.issuer } : {}),
      };
      const actions: FixAction[] = [];
      for (const diagnostic of ours) {
        const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
        const finding = findings.find((candidate) => candidate.code === code && toRange(candidate.range).isEqual(diagnostic.range));
        if (!finding) continue;
        const fix = fixFor(document.getText(), finding, fixContext);
        if (!fix) continue;
        const email = fix.kind === 'act-sub-user-id' ? actorEmail(finding) : undefined;
        const action = new FixAction(email && connection ? `Look up the Okta user id of ${email} for act.sub` : fix.title, document, finding, fixContext, email);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        if (!email) action.edit = this.edit(document, fix.edit);
        actions.push(action);
      }
      return actions;
    } catch (error) {
      log.error('quick fix', `computing fixes for ${document.uri.fsPath} failed`, error);
      return [];
    }
  }

  /** The act.sub fix: look the id up now (the user chose it), then build the edit. */
  async resolveCodeAction(action: FixAction): Promise<FixAction> {
    if (action.edit || !action.lookupEmail) return action;
    let userId: string | undefined;
    try {
      userId = await this.lookup(action.lookupEmail);
    } catch (error) {
      const reason = messageOf(error);
      log.warn('quick fix', `looking up ${action.lookupEmail} failed: ${reason}`);
      void vscode.window.showWarningMessage(`AGBAC: could not look up ${action.lookupEmail} (${reason}); a placeholder was used instead.`);
    }
    const fix = fixFor(action.document.getText(), action.finding, { ...action.context, ...(userId ? { userId } : {}) });
    if (fix) action.edit = this.edit(action.document, fix.edit);
    return action;
  }

  private edit(document: vscode.TextDocument, edit: { offset: number; length: number; content: string }): vscode.WorkspaceEdit {
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(document.uri, new vscode.Range(document.positionAt(edit.offset), document.positionAt(edit.offset + edit.length)), edit.content);
    return workspaceEdit;
  }
}

function actorEmail(finding: LocatedFinding): string | undefined {
  const payload = finding.site?.payload;
  const act = isRecord(payload) ? payload.act : undefined;
  if (!isRecord(act)) return undefined;
  if (typeof act.sub === 'string' && looksLikeEmail(act.sub)) return act.sub;
  return typeof act.email === 'string' && looksLikeEmail(act.email) ? act.email : undefined;
}
