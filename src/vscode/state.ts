/**
 * What the extension knows beyond settings, in memory only: recent tokens (the tokens themselves
 * never leave this object except to the clipboard on Copy Token, or to a verification), the token
 * the inspector shows, the doctor's last runs, and the sandbox's state. One event says what
 * changed; a one-second tick runs while some token is still alive (countdowns).
 */
import * as vscode from 'vscode';
import { epochSeconds } from '../core';
import { Disposable } from './disposable';
import type { CheckedToken, RecentToken } from './model/tokens';
import { withToken } from './model/tokens';
import type { DoctorRun } from './model/tree';

export type StateChange = 'tokens' | 'current' | 'doctor' | 'sandbox';

export interface SandboxState {
  readonly connection: string;
  readonly running: boolean;
  readonly orgUrl: string | undefined;
}

export function nowSeconds(): number {
  return epochSeconds(new Date());
}

export class AgbacState extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<StateChange>());
  private readonly ticked = this._register(new vscode.EventEmitter<number>());
  /** Fires with what changed. */
  readonly onDidChange = this.changed.event;
  /** Fires every second while a token is alive. */
  readonly onTick = this.ticked.event;
  private tokenList: RecentToken[] = [];
  private currentId: string | undefined;
  private readonly doctorRuns = new Map<string, DoctorRun>();
  private sandboxState: SandboxState | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this._register({ dispose: () => this.stopTicking() });
  }

  get tokens(): readonly RecentToken[] {
    return this.tokenList;
  }

  token(id: string | undefined): RecentToken | undefined {
    return id === undefined ? undefined : this.tokenList.find((token) => token.id === id);
  }

  /** The token the inspector and the status bar show. */
  get current(): RecentToken | undefined {
    return this.token(this.currentId);
  }

  addToken(token: RecentToken): void {
    this.tokenList = withToken(this.tokenList, token);
    this.currentId = token.id;
    this.changed.fire('tokens');
    this.changed.fire('current');
    this.startTicking();
  }

  setCurrent(id: string): void {
    if (!this.token(id) || this.currentId === id) return;
    this.currentId = id;
    this.changed.fire('current');
  }

  setChecked(id: string, checked: CheckedToken): void {
    const token = this.token(id);
    if (!token) return;
    token.checked = checked;
    this.changed.fire('tokens');
    if (id === this.currentId) this.changed.fire('current');
  }

  /** Forgets the tokens of one connection, or all. */
  clearTokens(connection?: string): void {
    this.tokenList = connection === undefined ? [] : this.tokenList.filter((token) => token.connection !== connection);
    if (!this.token(this.currentId)) this.currentId = undefined;
    this.changed.fire('tokens');
    this.changed.fire('current');
  }

  doctor(connection: string): DoctorRun | undefined {
    return this.doctorRuns.get(connection);
  }

  get doctorResults(): ReadonlyMap<string, DoctorRun> {
    return this.doctorRuns;
  }

  setDoctor(connection: string, run: DoctorRun): void {
    this.doctorRuns.set(connection, run);
    this.changed.fire('doctor');
  }

  /** A connection was renamed: its tokens and doctor results follow it. */
  renameConnection(from: string, to: string): void {
    this.tokenList = this.tokenList.map((token) => (token.connection === from ? { ...token, connection: to } : token));
    const run = this.doctorRuns.get(from);
    if (run) {
      this.doctorRuns.delete(from);
      this.doctorRuns.set(to, run);
    }
    if (this.sandboxState?.connection === from) this.sandboxState = { ...this.sandboxState, connection: to };
    this.changed.fire('tokens');
    this.changed.fire('doctor');
  }

  /** A connection was removed: forget what belonged to it. */
  forgetConnection(name: string): void {
    this.doctorRuns.delete(name);
    this.clearTokens(name);
    this.changed.fire('doctor');
  }

  get sandbox(): SandboxState | undefined {
    return this.sandboxState;
  }

  setSandbox(state: SandboxState | undefined): void {
    this.sandboxState = state;
    this.changed.fire('sandbox');
  }

  private startTicking(): void {
    this.timer ??= setInterval(() => {
      const now = nowSeconds();
      // One more tick after the last expiry, so countdowns show "expired".
      if (!this.tokenList.some((token) => token.expiresAt === undefined || token.expiresAt > now - 2)) this.stopTicking();
      this.ticked.fire(now);
    }, 1000);
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
