/** The extension's one log channel. Lines carry a component tag; tokens are redacted before logging. */
import * as vscode from 'vscode';
import { messageOf } from '../core';

let channel: vscode.LogOutputChannel | undefined;

function output(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('AGBAC', { log: true });
  return channel;
}

/** Anything JWT-shaped in a log line becomes `eyJhbGci…<last 6>`. */
function redact(text: string): string {
  return text.replace(/eyJ[\w-]{2,}\.[\w-]+\.[\w-]*/g, (token) => `${token.slice(0, 8)}…${token.slice(-6)}`);
}

export const log = {
  info: (component: string, message: string) => output().info(`[${component}] ${redact(message)}`),
  warn: (component: string, message: string) => output().warn(`[${component}] ${redact(message)}`),
  error: (component: string, message: string, error?: unknown) =>
    output().error(`[${component}] ${redact(message)}${error === undefined ? '' : `: ${redact(messageOf(error))}`}`),
  show: () => output().show(true),
};
