/** `agbac hook serve`: run the token inline hook service until SIGTERM. */
import { readFile } from 'node:fs/promises';
import { isLoopbackHost, messageOf, type ProfileName, UrlError } from '../core';
import { createHookApp, type HookAuthentication, HookError, serveHook } from '../hook';
import { discover, remoteKeySet } from '../oauth';
import { connectOrg, type OrgApi } from '../okta';
import { type Command, CommandError, EXIT, intOption, parse, profileOption, secretFromEnv, UsageError } from './common';
import { caOption, managementCredential, timeoutOption } from './okta-options';
import { untilSignal } from './signals';

const USAGE = `agbac hook serve [--host H] [--port N] --secret-env VAR [--org-url URL --api-token-env VAR]
                 [--client-secret-env VAR] [--group NAME] [--profile okta-guide|agbac-1.0]
                 [--tls-cert FILE --tls-key FILE] [--public-url URL]

Serves Okta's token inline hook (com.okta.oauth2.tokens.transform): for every token request it
reads the agent's act assertion from the token URL (query parameter act_assertion), verifies it
(signature with the agent's credential, iss = the client Okta authenticated, aud = the hook's URL,
at most 5 minutes, used once) and the human (exists, ACTIVE, in --group), and answers Okta with a
patch that adds act, or with an error that stops issuance. Prints "Hook URL: <url>" once it
listens, then one JSON audit event per decision; runs until SIGTERM (or Ctrl+C).

  --host H                 interface to listen on (default 127.0.0.1)
  --port N                 port (default 0: a free one)
  --secret-env VAR         VAR holds the Authorization header value registered with the hook
                           (its authScheme value; at least 16 characters)
  --org-url URL --api-token-env VAR
                           the Management API: the human's status and groups, email and name
                           for act, and the registered keys of private_key_jwt agents
  --client-secret-env VAR  the client secret of a client_secret_jwt agent
  --group NAME             the human must be in this group
  --profile agbac-1.0      also add delegation and agbac_ver from the act assertion
  --tls-cert FILE --tls-key FILE   serve HTTPS (PEM); otherwise HTTP, behind a TLS proxy
  --public-url URL         the URL Okta calls when a proxy sits in front (the act assertion's aud)
  --bearer-issuer URL --bearer-audience AUD [--bearer-scope S]
                           also accept OAuth 2.0 hook authentication: a Bearer token from this
                           authorization server (keys found through its metadata)
  --ca FILE --timeout SECONDS   for the Management API and the Bearer issuer

Routes: POST (any path) for Okta, GET /health. Okta waits 3 s and issues the token without act
when the hook cannot be reached or answers anything but 200: resource servers must deny tokens
without act.

Exit status: 0 after SIGTERM, 1 when it cannot start, 2 usage error.`;

export const hookCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'serve') throw new UsageError(sub === undefined ? 'give a subcommand: serve' : `unknown subcommand "${sub}"; the subcommand is serve`);
    const { values, positionals } = parse(rest, {
      host: { type: 'string' },
      port: { type: 'string' },
      'secret-env': { type: 'string' },
      'org-url': { type: 'string' },
      'api-token-env': { type: 'string' },
      'client-secret-env': { type: 'string' },
      group: { type: 'string' },
      profile: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-url': { type: 'string' },
      'bearer-issuer': { type: 'string' },
      'bearer-audience': { type: 'string' },
      'bearer-scope': { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const host = values.host ?? '127.0.0.1';
    const port = intOption('port', values.port, { min: 0, max: 65535 }) ?? 0;
    const profile: ProfileName = profileOption(values.profile);
    if (!values['secret-env'] && !values['bearer-issuer']) throw new UsageError("--secret-env is required: the variable holding the Authorization header value registered with the hook");
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new UsageError('--tls-cert and --tls-key go together');
    if (Boolean(values['bearer-issuer']) !== Boolean(values['bearer-audience'])) throw new UsageError('--bearer-issuer and --bearer-audience go together');
    if (values['org-url'] && !values['api-token-env']) throw new UsageError('--org-url needs --api-token-env (the hook reads the Management API)');
    if (values['public-url']) checkUrl(values['public-url'], '--public-url');

    const ca = await caOption(values);
    const timeoutMs = timeoutOption(values);
    const authentication: HookAuthentication[] = [];
    if (values['secret-env']) authentication.push({ kind: 'header', secret: secretFromEnv(values['secret-env'], io) });
    if (values['bearer-issuer'] && values['bearer-audience']) authentication.push(await bearer(values['bearer-issuer'], values['bearer-audience'], values['bearer-scope'], { ca, timeoutMs }));
    const org: OrgApi | undefined = values['org-url']
      ? await connectOrg({ orgUrl: values['org-url'], credential: await managementCredential(values, io), ca, timeoutMs })
      : undefined;
    const clientSecret = values['client-secret-env'] ? secretFromEnv(values['client-secret-env'], io, 'client-secret') : undefined;
    if (!org) io.err('hook: warning: no --org-url: the human is not checked in the org (exists, ACTIVE, group) and private_key_jwt agents cannot be verified');
    if (values.group && !org) throw new UsageError('--group needs --org-url and --api-token-env (the hook looks the human up)');
    const tls = values['tls-cert'] && values['tls-key'] ? { cert: await readPem(values['tls-cert']), key: await readPem(values['tls-key']) } : undefined;

    let started = false;
    const signal = untilSignal((name) => {
      if (!started) process.exit(name === 'SIGINT' ? 130 : 143);
    });
    let server;
    try {
      server = await serveHook({
        host,
        port,
        ...(tls ? { tls } : {}),
        ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
        log: (line) => io.err(`hook: ${line}`),
        handler: (hookUrl) =>
          createHookApp({
            hookUrl,
            authentication,
            ...(org ? { org } : {}),
            ...(clientSecret ? { clientSecret } : {}),
            ...(values.group ? { group: values.group } : {}),
            profile,
            audit: (event) => io.out(JSON.stringify(event)),
          }),
      });
    } catch (error) {
      signal.cancel();
      if (error instanceof HookError) throw new CommandError(error.message, { cause: error });
      throw error;
    }
    started = true;
    io.out(`Hook URL: ${server.url}`);
    if (!isLoopbackHost(host) && !tls) io.err(`hook: warning: serving plain HTTP on ${host}; Okta calls hooks over https only, so put a TLS proxy in front`);
    await signal.received;
    io.err('hook: stopping');
    await server.close();
    return EXIT.ok;
  },
};

function checkUrl(value: string, flag: string): void {
  try {
    new URL(value);
  } catch {
    throw new UsageError(`${flag} must be an absolute URL, got "${value}"`);
  }
}

async function readPem(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new CommandError(`cannot read ${file}`);
  }
}

async function bearer(issuer: string, audience: string, scope: string | undefined, options: { ca?: string; timeoutMs?: number }): Promise<HookAuthentication> {
  try {
    const metadata = await discover(issuer, options);
    return { kind: 'bearer', issuer: metadata.issuer, audience, keys: remoteKeySet(metadata.jwksUri, options), ...(scope ? { scope } : {}) };
  } catch (error) {
    if (error instanceof UrlError) throw new UsageError(error.message);
    throw new CommandError(`cannot read the Bearer issuer's metadata: ${messageOf(error)}`, { cause: error });
  }
}
