/** `agbac sandbox`: run the embedded Okta-compatible sandbox until interrupted. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackHost, messageOf } from '../core';
import { DEFAULT_IDS, type Sandbox, SandboxError, startSandbox } from '../sandbox';
import { type Command, CommandError, EXIT, intOption, parse, readInput, UsageError } from './common';
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
  --client-secret S           the agent app's client secret (default: 64 random characters)
  --api-token T               the Management API token, sent as "Authorization: SSWS T" (default: random)
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
      'client-secret': { type: 'string' },
      'api-token': { type: 'string' },
      'accept-issuer-audience': { type: 'boolean' },
      tls: { type: 'boolean' },
      'tls-dir': { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
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
        ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}),
        ...(values['api-token'] !== undefined ? { apiToken: values['api-token'] } : {}),
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
    io.out(describe(sandbox, { defaultSeed: seed === undefined, acceptIssuerAudience: values['accept-issuer-audience'] ?? false }));
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

/** What the user needs, one `Label: value` per line (scripts can read it). */
function describe(sandbox: Sandbox, options: { defaultSeed: boolean; acceptIssuerAudience: boolean }): string {
  const rows: [string, string][] = [
    ['Org URL', sandbox.orgUrl],
    ['Issuer', sandbox.issuer],
    ['Token endpoint', sandbox.tokenEndpoint],
    ['JWKS URL', sandbox.jwksUri],
    ['Metadata', sandbox.metadataUrl],
    ['Client id', sandbox.clientId],
    ['Client secret', sandbox.clientSecret],
    ['Management API token', sandbox.apiToken],
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
