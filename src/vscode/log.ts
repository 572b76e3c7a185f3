/**
 * The extension's one log channel. Lines carry a component tag. Before a line is written, whole
 * JWTs become `eyJhbGci…<last 6>`, PEM private keys and private JWK members are cut out, and every
 * secret the extension has handled (see secrets.ts) is blanked, so no token, key or secret
 * reaches the log even by mistake.
 */
import * as vscode from 'vscode';
import { messageOf } from '../core';
import { redact as redactWith } from './model/redact';

let channel: vscode.LogOutputChannel | undefined;
/** Secrets seen in this session, longest first so a secret inside another is blanked whole. */
const secrets: string[] = [];

function redact(text: string): string {
  return redactWith(text, secrets);
}

function output(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('AGBAC', { log: true });
  return channel;
}

export const log = {
  info: (component: string, message: string) => output().info(`[${component}] ${redact(message)}`),
  warn: (component: string, message: string) => output().warn(`[${component}] ${redact(message)}`),
  error: (component: string, message: string, error?: unknown) =>
    output().error(`[${component}] ${redact(message)}${error === undefined ? '' : `: ${redact(messageOf(error))}`}`),
  show: () => output().show(true),
  /** Blanks this value wherever it would appear in the log from now on. */
  hideSecret(value: string): void {
    // Short values would blank ordinary words; real secrets and tokens are long.
    if (value.length < 8 || secrets.includes(value)) return;
    secrets.push(value);
    secrets.sort((a, b) => b.length - a.length);
  },
};
