/**
 * Steps of a multi-step quick input (Add Connection, Edit Connection): an input box or a quick
 * pick with a step counter and a Back button. A step resolves with the value, BACK, or undefined
 * when the person cancelled (Escape, focus lost with nothing typed).
 */
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type Step<T> = T | typeof BACK | undefined;

interface Common {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  /** Shows a Back button (not on the first step). */
  readonly canGoBack: boolean;
}

export interface InputStep extends Common {
  readonly prompt: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  /** A problem with the value as typed (shown under the box, Enter refused), or undefined. */
  readonly validate?: (value: string) => string | undefined;
  /** Checked on Enter, with the box busy: a problem keeps the step open with the message. */
  readonly accept?: (value: string) => Promise<string | undefined>;
}

export function input(options: InputStep): Promise<Step<string>> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.step = options.step;
  box.totalSteps = options.totalSteps;
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder;
  box.password = options.password === true;
  box.ignoreFocusOut = true;
  box.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return settle<string>(box, (finish) => [
    box.onDidChangeValue((value) => {
      box.validationMessage = options.validate?.(value);
    }),
    box.onDidAccept(async () => {
      const value = box.value.trim();
      const problem = options.validate?.(value);
      if (problem) {
        box.validationMessage = problem;
        return;
      }
      if (options.accept) {
        box.busy = true;
        box.enabled = false;
        const refused = await options.accept(value);
        box.busy = false;
        box.enabled = true;
        if (refused) {
          box.validationMessage = refused;
          return;
        }
      }
      finish(value);
    }),
  ]);
}

export interface PickStep<T extends vscode.QuickPickItem> extends Common {
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly active?: T;
}

export function pick<T extends vscode.QuickPickItem>(options: PickStep<T>): Promise<Step<T>> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.step = options.step;
  quickPick.totalSteps = options.totalSteps;
  quickPick.placeholder = options.placeholder;
  quickPick.items = options.items;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  if (options.active) quickPick.activeItems = [options.active];
  quickPick.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return settle<T>(quickPick, (finish) => [quickPick.onDidAccept(() => finish(quickPick.selectedItems[0] ?? quickPick.activeItems[0]))]);
}

export interface PickManyStep<T extends vscode.QuickPickItem> extends Common {
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly picked: readonly T[];
}

export function pickMany<T extends vscode.QuickPickItem>(options: PickManyStep<T>): Promise<Step<readonly T[]>> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.step = options.step;
  quickPick.totalSteps = options.totalSteps;
  quickPick.placeholder = options.placeholder;
  quickPick.canSelectMany = true;
  quickPick.items = options.items;
  quickPick.selectedItems = options.picked;
  quickPick.ignoreFocusOut = true;
  quickPick.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return new Promise<Step<readonly T[]>>((resolve) => {
    let settled = false;
    const finish = (result: Step<readonly T[]>) => {
      if (settled) return;
      settled = true;
      for (const subscription of subscriptions) subscription.dispose();
      quickPick.dispose();
      resolve(result);
    };
    const subscriptions = [
      quickPick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      quickPick.onDidAccept(() => finish([...quickPick.selectedItems])),
      quickPick.onDidHide(() => finish(undefined)),
    ];
    quickPick.show();
  });
}

/**
 * Shows a quick input until it settles, once: Back, hidden (undefined), or what the listeners
 * `listen` adds finish with. Everything is disposed of when it settles.
 */
function settle<R>(widget: vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>, listen: (finish: (result: Step<R>) => void) => vscode.Disposable[]): Promise<Step<R>> {
  return new Promise<Step<R>>((resolve) => {
    let settled = false;
    const subscriptions: vscode.Disposable[] = [];
    const finish = (result: Step<R>) => {
      if (settled) return;
      settled = true;
      for (const subscription of subscriptions) subscription.dispose();
      widget.dispose();
      resolve(result);
    };
    subscriptions.push(
      widget.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      widget.onDidHide(() => finish(undefined)),
      ...listen(finish),
    );
    widget.show();
  });
}
