/**
 * The one way commands are registered: a failure is logged and shown as one message that says
 * what to do next, with buttons for it; nothing throws into VS Code. The last failure is kept for
 * the extension's API (tests read the advice a person would see).
 */
import * as vscode from 'vscode';
import { AgbacError, messageOf } from '../core';
import { log } from './log';

/** A next step offered on an error: a button that runs a command. */
export interface NextStep {
  readonly title: string;
  readonly command: string;
  readonly args?: readonly unknown[];
}

/** A failure the user caused or can fix: shown as is, without "unexpected", with its next steps as buttons. */
export class UserFacingError extends AgbacError {
  static override readonly code = 'ERR_USER';
  override readonly code = 'ERR_USER';
  readonly next: readonly NextStep[];

  constructor(message: string, options: { next?: readonly NextStep[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.next = options.next ?? [];
  }
}

/** What the last failed command showed. */
export interface ShownError {
  readonly command: string;
  readonly message: string;
  readonly next: readonly string[];
}

let lastError: ShownError | undefined;

export function lastShownError(): ShownError | undefined {
  return lastError;
}

const SHOW_LOG: NextStep = { title: 'Show Log', command: 'agbac.showLog' };

/** Shows an error with its next steps as buttons (and Show Log), without waiting for a choice. */
export function showError(command: string, message: string, next: readonly NextStep[]): void {
  const steps = [...next, SHOW_LOG];
  lastError = { command, message, next: steps.map((step) => step.title) };
  void vscode.window.showErrorMessage(message, ...steps.map((step) => step.title)).then(async (choice) => {
    const step = steps.find((candidate) => candidate.title === choice);
    if (step) await vscode.commands.executeCommand(step.command, ...(step.args ?? []));
  });
}

/** Registers a command behind the one wrapper: log, show one message, return undefined on failure. */
export function registerCommand<A extends unknown[], R>(id: string, handler: (...args: A) => Promise<R> | R): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = messageOf(error);
      log.error('command', `${id} failed`, error);
      if (error instanceof UserFacingError) showError(id, `AGBAC: ${message}`, error.next);
      else if (error instanceof AgbacError) showError(id, `AGBAC: ${message}`, []);
      else showError(id, `AGBAC: unexpected error in ${id}: ${message}. The log has the details; please report it.`, []);
      return undefined;
    }
  });
}
