/** `agbac sandbox`: run the embedded Okta-compatible sandbox until interrupted. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackHost, messageOf } from '../core';
import { DEFAULT_IDS, type Sandbox, SandboxError, startSandbox } from '../sandbox';
import { type Command, CommandError, EXIT, InputFileError, intOption, type Io, parse, readInput, readTextFile, secretFromEnv, UsageError } from './common';
import { untilSignal } from './signals';

export const sandboxCommand: Command = {
  usage: `agbac sandbox [options]

Runs an Okta-compatible custom authorization server (token endpoint, keys, discovery, a sign-in
page) and a Management API subset, seeded with the setup guide's org, until Ctrl+C. Prints the
URLs, the client id and secret, the Management API token, the app people sign in with and the
development password of the seeded people.

Options:
  --host HOST                 interface to listen on (default 127.0.0.1)
  --port N                    port (default 0: a free port; the printed URLs carry the real one)
  --client-secret-env VAR     the agent app's client secret is in environment variable VAR
  --client-secret-file FILE   or in FILE (default: 64 random characters, printed)
  --api-token-env VAR         the Management API token ("Authorization: SSWS <token>") is in VAR
  --api-token-file FILE       or in FILE (default: 42 random characters, printed)
                              Secrets are never taken on the command line, where ps and the shell's
                              history would keep them; given ones are not printed.
  --accept-issuer-audience    also accept the issuer URL as a client assertion's aud (the guide's
                              convention; real Okta accepts only the token endpoint)
  --tls                       serve HTTPS with a new local CA
  --tls-dir DIR               where the CA certificate is written (default: a new temporary folder)
  --seed FILE                 start from this org instead of the guide's (JSON; see docs/sandbox.md)

Exit status: 0 after Ctrl+C (or SIGTERM), 1 when it cannot start, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      host: { type: 'string' },
      port: { type: 'string' },
      // Declared only to refuse them with a reason: a secret on the command line leaks.
      'client-secret': { type: 'string' },
      'api-token': { type: 'string' },
      'client-secret-env': { type: 'string' },
      'client-secret-file': { type: 'string' },
      'api-token-env': { type: 'string' },
      'api-token-file': { type: 'string' },
      'accept-issuer-audience': { type: 'boolean' },
      tls: { type: 'boolean' },
      'tls-dir': { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length) throw new UsageError('unexpected argument (the sandbox takes options only)');
    for (const name of ['client-secret', 'api-token'] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} no longer takes the secret on the command line (ps and shell history keep it); use --${name}-env VAR or --${name}-file FILE`);
      }
    }
    const clientSecret = await givenSecret(values, 'client-secret', io);
    const apiToken = await givenSecret(values, 'api-token', io);
    if (values['tls-dir'] !== undefined && !values.tls) throw new UsageError('--tls-dir goes with --tls');
    const host = values.host ?? '127.0.0.1';
    const port = intOption('port', values.port, { min: 0, max: 65535 }) ?? 0;
    const seed = values.seed === undefined ? undefined : parseSeedFile(values.seed, await readInput(values.seed, io));
    const tlsDir = values.tls ? (values['tls-dir'] ?? (await mkdtemp(join(tmpdir(), 'agbac-sandbox-')))) : undefined;

    // Listen for Ctrl+C before starting: an interrupt during the start ends the process at once.
    let started = false;
    const signal = untilSignal((name) => {
      if (!started) process.exit(name === 'SIGINT' ? 130 : 143);
    });
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox({
        host,
        port,
        ...(clientSecret !== undefined ? { clientSecret } : {}),
        ...(apiToken !== undefined ? { apiToken } : {}),
        acceptIssuerAudience: values['accept-issuer-audience'] ?? false,
        ...(tlsDir !== undefined ? { tls: { dir: tlsDir } } : {}),
        ...(seed !== undefined ? { seed } : {}),
        log: (line) => io.err(`sandbox: ${line}`),
      });
    } catch (error) {
      signal.cancel();
      if (error instanceof SandboxError) {
        const hint = error.code === 'ERR_SANDBOX_PORT_IN_USE' ? '; choose another --port, or --port 0 for a free one' : '';
        throw new CommandError(`${error.message}${hint}`, { cause: error });
      }
      throw error;
    }
    started = true;
    io.out(describe(sandbox, {
      defaultSeed: seed === undefined,
      acceptIssuerAudience: values['accept-issuer-audience'] ?? false,
      secretGiven: clientSecret !== undefined,
      tokenGiven: apiToken !== undefined,
    }));
    if (!isLoopbackHost(host)) io.err(`sandbox: warning: listening on ${host}, not loopback; anyone who can reach it can mint tokens with the printed credentials`);
    await signal.received;
    io.err('sandbox: stopping');
    await sandbox.close();
    return EXIT.ok;
  },
};

function parseSeedFile(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CommandError(`${name} is not valid JSON: ${messageOf(error).split('\n')[0] ?? ''}`);
  }
}

type Values = Record<string, string | boolean | undefined>;

/** A secret given by `--X-env` or `--X-file` (not both), or undefined for a generated one. */
async function givenSecret(values: Values, name: 'client-secret' | 'api-token', io: Io): Promise<string | undefined> {
  const variable = values[`${name}-env`];
  const file = values[`${name}-file`];
  if (typeof variable === 'string' && typeof file === 'string') throw new UsageError(`give --${name}-env or --${name}-file, not both`);
  if (typeof variable === 'string') return secretFromEnv(variable, io, name);
  if (typeof file !== 'string') return undefined;
  try {
    const value = (await readTextFile(file)).trim();
    if (!value) throw new CommandError(`--${name}-file: the file is empty`);
    return value;
  } catch (error) {
    if (error instanceof InputFileError) throw new CommandError(`--${name}-file: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * What the user needs, one `Label: value` per line (scripts can read it). A generated secret is
 * printed (there is no other way to learn it); one the user gave is not repeated.
 */
function describe(sandbox: Sandbox, options: { defaultSeed: boolean; acceptIssuerAudience: boolean; secretGiven: boolean; tokenGiven: boolean }): string {
  const rows: [string, string][] = [
    ['Org URL', sandbox.orgUrl],
    ['Issuer', sandbox.issuer],
    ['Token endpoint', sandbox.tokenEndpoint],
    ['JWKS URL', sandbox.jwksUri],
    ['Metadata', sandbox.metadataUrl],
    ['Client id', sandbox.clientId],
    ['Client secret', options.secretGiven ? '(the one given)' : sandbox.clientSecret],
    ['Management API token', options.tokenGiven ? '(the one given)' : sandbox.apiToken],
    ['Org token endpoint', sandbox.orgTokenEndpoint],
  ];
  if (sandbox.caFile) rows.push(['CA file', sandbox.caFile]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines = ['AGBAC sandbox (Okta-compatible) is running', ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`)];
  // People sign in with this app (agbac login) and this development password, so that an agent can exchange their token.
  if (sandbox.signInClientId) lines.push(`  Sign-in app: ${sandbox.signInClientId}`);
  lines.push(`  Password for seeded users: ${sandbox.userPassword}`);
  if (options.defaultSeed) {
    lines.push(
      `  Audience ${DEFAULT_IDS.audience}, scopes finance.read finance.write; the agent authenticates with client_secret_jwt`,
      `  Humans: Alice ${DEFAULT_IDS.alice} (in ${DEFAULT_IDS.financeGroup}), Bob ${DEFAULT_IDS.bob} (not in ${DEFAULT_IDS.financeGroup})`,
      `  Sign in: agbac login --issuer ${sandbox.issuer} --client-id ${DEFAULT_IDS.signInClientId} --scope openid --scope finance.read --agent ${sandbox.clientId}`,
    );
  }
  lines.push(
    options.acceptIssuerAudience
      ? '  Assertion aud: the token endpoint or the issuer (--accept-issuer-audience)'
      : '  Assertion aud: the token endpoint, as real Okta requires',
  );
  if (sandbox.caFile) lines.push(`  Trust the CA in Node.js clients: export NODE_EXTRA_CA_CERTS=${sandbox.caFile}`);
  lines.push('Press Ctrl+C to stop.');
  return lines.join('\n');
}
