/**
 * The embedded Okta-compatible sandbox, in the extension host: started on demand (the sandbox
 * module loads with `import()` then), with a "Sandbox" connection to it whose client secret and
 * Management API token go to SecretStorage; stopped by Stop Local Sandbox or when the extension
 * deactivates. This is the zero-setup path: one click and every command works.
 */
import type { Sandbox } from '../sandbox';
import { type Connection, readConnection } from '../core';
import { Disposable } from './disposable';
import { log } from './log';
import type { ConnectionSecrets } from './secrets';
import { saveConnection, setActiveConnection } from './settings';
import type { AgbacState } from './state';

export const SANDBOX_CONNECTION = 'Sandbox';

/** What a caller may learn about the running sandbox: its URLs, never its credentials. */
export interface SandboxInfo {
  readonly connection: string;
  readonly orgUrl: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  /** The app people sign in with (token exchange), when the sandbox has one. */
  readonly signInClientId: string | undefined;
}

export interface SandboxStartOptions {
  /** The agent app's client secret (default: random). */
  readonly clientSecret?: string;
  /** The Management API token (default: random). */
  readonly apiToken?: string;
  /** The development password of the sandbox's people (default: random). */
  readonly userPassword?: string;
}

export class SandboxController extends Disposable {
  private running: Sandbox | undefined;
  private starting: Promise<SandboxInfo> | undefined;

  constructor(private readonly state: AgbacState, private readonly secrets: ConnectionSecrets) {
    super();
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts it (once: a second call while running answers with the running one). */
  start(options: SandboxStartOptions = {}): Promise<SandboxInfo> {
    if (this.running) return Promise.resolve(this.info(this.running));
    this.starting ??= this.launch(options).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async launch(options: SandboxStartOptions): Promise<SandboxInfo> {
    const { startSandbox, DEFAULT_IDS } = await import('../sandbox');
    const sandbox = await startSandbox({
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
      ...(options.apiToken ? { apiToken: options.apiToken } : {}),
      ...(options.userPassword ? { userPassword: options.userPassword } : {}),
      // One line per request: method, path and status (no bodies, no query strings).
      log: (line) => log.info('sandbox', line.replace(/\?\S*/, '')),
    });
    this.running = sandbox;
    try {
      const read = readConnection({
        name: SANDBOX_CONNECTION,
        orgUrl: sandbox.orgUrl,
        authServerId: sandbox.authServerId,
        apiAudience: DEFAULT_IDS.audience,
        clientId: sandbox.clientId,
        authMethod: 'client_secret_jwt',
        scopes: ['finance.read'],
        group: DEFAULT_IDS.financeGroup,
        // People sign in with this app when the connection's human comes from token exchange.
        ...(sandbox.signInClientId ? { signInClientId: sandbox.signInClientId } : {}),
        humans: [
          { id: DEFAULT_IDS.alice, email: DEFAULT_IDS.aliceLogin },
          { id: DEFAULT_IDS.bob, email: DEFAULT_IDS.bobLogin },
        ],
      });
      if (!('connection' in read)) throw new TypeError(`the sandbox connection is invalid: ${read.errors.join('; ')}`);
      const connection: Connection = read.connection;
      await this.secrets.store(connection, 'clientSecret', sandbox.clientSecret);
      await this.secrets.store(connection, 'apiToken', sandbox.apiToken);
      log.hideSecret(sandbox.userPassword);
      await saveConnection(connection, 'user');
      await setActiveConnection(connection.name);
      this.state.setSandbox({ connection: connection.name, running: true, orgUrl: sandbox.orgUrl });
      log.info('sandbox', `started at ${sandbox.orgUrl}; connection "${connection.name}" is active (agent ${connection.clientId}, authorization server ${connection.authServerId})`);
      return this.info(sandbox);
    } catch (error) {
      this.running = undefined;
      await sandbox.close();
      throw error;
    }
  }

  /** Stops it; resolves false when it was not running. */
  async stop(): Promise<boolean> {
    if (this.starting) await this.starting.catch(() => undefined);
    const sandbox = this.running;
    if (!sandbox) return false;
    this.running = undefined;
    await sandbox.close();
    this.state.setSandbox({ connection: this.state.sandbox?.connection ?? SANDBOX_CONNECTION, running: false, orgUrl: undefined });
    log.info('sandbox', 'stopped');
    return true;
  }

  private info(sandbox: Sandbox): SandboxInfo {
    return {
      connection: this.state.sandbox?.connection ?? SANDBOX_CONNECTION,
      orgUrl: sandbox.orgUrl,
      issuer: sandbox.issuer,
      tokenEndpoint: sandbox.tokenEndpoint,
      clientId: sandbox.clientId,
      signInClientId: sandbox.signInClientId,
    };
  }

  /** The development password of the running sandbox's people, for a sign-in at its connection. */
  userPassword(connection: Connection): string | undefined {
    const running = this.running;
    if (!running || connection.name !== (this.state.sandbox?.connection ?? SANDBOX_CONNECTION)) return undefined;
    return running.userPassword;
  }

  override dispose(): void {
    void this.stop();
    super.dispose();
  }
}
