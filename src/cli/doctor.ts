/** `agbac doctor`, `agbac provision`, `agbac whois`: the Okta org against the setup guide. */
import { randomBytes } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { writeFile } from 'node:fs/promises';
import { connectionUrls, escapeControls, isLoopbackRedirect } from '../core';
import { NetworkError } from '../oauth';
import { type Check, findUsers, ManagementError, type OrgApi, provision, runDoctor } from '../okta';
import { type Command, CommandError, EXIT, formatOption, type Io, json, parse, progressOf, readToken, secretFromEnv, UsageError } from './common';
import { caOption, CONNECTION_HELP, CONNECTION_OPTIONS, connectionFromOptions, connectOrgOption, optionalSigningCredential, ORG_HELP, ORG_OPTIONS, requireOption, timeoutOption } from './okta-options';

type Values = Record<string, string | boolean | string[] | undefined>;

/** `--act-via assertion|hook` (the doctor also takes `token-exchange`) with its `--hook-url`. */
function actViaOption<const T extends string>(values: Values, allowed: readonly T[]): { actVia: T | undefined; hookUrl: string | undefined } {
  const actVia = values['act-via'];
  const hookUrl = typeof values['hook-url'] === 'string' ? values['hook-url'] : undefined;
  if (actVia !== undefined && (typeof actVia !== 'string' || !(allowed as readonly string[]).includes(actVia))) {
    throw new UsageError(`--act-via must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}, got "${String(actVia)}"`);
  }
  if (hookUrl !== undefined) {
    try {
      new URL(hookUrl);
    } catch {
      throw new UsageError(`--hook-url must be an absolute URL, got "${hookUrl}"`);
    }
  }
  return { actVia: actVia as T | undefined, hookUrl };
}

async function org(values: Values, io: Io): Promise<OrgApi> {
  // An OAuth service app asks for the hooks scope only when hooks are asked for, so orgs that do not use them need not grant it.
  const hooks = values['act-via'] === 'hook' || values['hook-url'] !== undefined ? ['okta.inlineHooks.manage'] : [];
  return connectOrgOption(values, io, hooks);
}

/** Management and network failures are one line, exit 1. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ManagementError || error instanceof NetworkError) throw new CommandError(error.message, { cause: error });
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

export const doctorCommand: Command = {
  usage: `agbac doctor --org-url URL --api-token-env VAR --auth-server ID --client-id ID
             [--client-secret-env VAR | --key FILE --kid KID] [--act-sub USER_ID] [--group NAME]
             [--act-via assertion|hook|token-exchange] [--hook-url URL] [--subject-token T] [options]

Checks the authorization server (exists, ACTIVE, audience), the scopes, the act claim (the guide's
expression, ACTIVE, in the access token, for the requested scopes), an access policy assigned to the
agent with a client-credentials rule, the agent app (service app, grant, client authentication,
public key), the human (exists, ACTIVE, in the group), and with a client secret or key a live probe:
sign, request, verify, and the round trip of act. Each failure says why, how to fix it, and the
guide's step. It says how act reaches the token: the guide's claim expression, or a token inline
hook on the rule that serves the agent (then: registered, ACTIVE, attached, its answer to Okta's
execute, and act through the hook in the live probe). Hooks fail open: Okta issues the token
without act when the hook is unreachable or slow, so resource servers must deny such tokens.
It says what each path guarantees: the claim expression and the hook carry the agent's word for
the human; token exchange carries the human's own sign-in. With --act-via token-exchange it checks
that path instead (the app's Token Exchange grant, a rule that allows it) and, with a person's
access token (--subject-token, from agbac login), exchanges it as the agent and reads the result.

${ORG_HELP}
${CONNECTION_HELP}
  --act-via assertion|hook|token-exchange   the path to check (default: what the org shows)
  --hook-url URL           the hook's URL, to find a hook registered but not attached
  --subject-token T        token exchange: a person's access token (the token, a file, or -)
  --format text|json

Exit status: 0 when every check passes, 1 otherwise, 2 usage error.`,
  async run(args, io) {
    const { values } = parse(args, { ...ORG_OPTIONS, ...CONNECTION_OPTIONS, format: { type: 'string' }, 'act-via': { type: 'string' }, 'hook-url': { type: 'string' }, 'subject-token': { type: 'string' } }, false);
    const format = formatOption(values.format, ['text', 'json'] as const);
    const connection = connectionFromOptions(values, { requireClient: true });
    const { actVia, hookUrl } = actViaOption(values, ['assertion', 'hook', 'token-exchange'] as const);
    if (values['subject-token'] !== undefined && actVia !== 'token-exchange') throw new UsageError('--subject-token goes with --act-via token-exchange');
    const subjectToken = values['subject-token'] === undefined ? undefined : await readToken(values['subject-token'], io);
    const checks = await guarded(async () =>
      runDoctor({
        org: await org(values, io),
        connection,
        credential: await optionalSigningCredential(values, io),
        ca: await caOption(values),
        timeoutMs: timeoutOption(values),
        clock: io.now,
        ...(actVia ? { actVia } : {}),
        ...(hookUrl ? { hookUrl } : {}),
        ...(subjectToken ? { subjectToken } : {}),
        progress: progressOf(io, 'doctor'),
      }),
    );
    const count = (status: Check['status']) => checks.filter((check) => check.status === status).length;
    if (format === 'json') {
      io.out(json({ issuer: connectionUrls(connection).issuer, passed: count('pass'), failed: count('fail'), skipped: count('skip'), checks }));
    } else {
      io.out(`Doctor for ${connectionUrls(connection).issuer}, agent ${connection.clientId}${connection.humans[0] ? `, human ${connection.humans[0].id}` : ''}\n`);
      io.out(checks.map(formatCheck).join('\n'));
      io.out(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
    }
    return count('fail') === 0 ? EXIT.ok : EXIT.failed;
  },
};

function formatCheck(check: Check): string {
  const mark = { pass: '✓', fail: '✗', skip: '-' }[check.status];
  // Details carry names read from the org: one line each, whatever the org holds.
  const detail = escapeControls(check.detail);
  const lines = [`  ${mark} ${check.title}: ${check.status === 'skip' ? `skipped (${detail})` : detail}`];
  if (check.status === 'fail') {
    if (check.why) lines.push(`      why: ${check.why}`);
    if (check.fix) lines.push(`      fix: ${check.fix}`);
    if (check.guideStep) lines.push(`      guide: ${check.guideStep}`);
  }
  return lines.join('\n');
}

export const provisionCommand: Command = {
  usage: `agbac provision --org-url URL --api-token-env VAR [--auth-server ID] --audience AUD
                [--client-id ID] [--key-out FILE --kid KID | --secret-out FILE] [--scope S]... [--dry-run]
                [--act-via hook --hook-url URL (--hook-secret-env VAR | --hook-secret-out FILE)]
                [--act-via token-exchange [--sign-in-client-id ID] [--redirect-uri URI]]

Creates or fixes, in the guide's order: the authorization server (AGBAC-AS, with the API audience),
the scopes, the act claim, the agent app (a service app with client_credentials and
client_secret_jwt, or private_key_jwt with --key-out: a new key pair whose public JWK is registered
and whose private key is written to FILE), the access policy and its rule. Prints each change;
--dry-run only prints the plan. A second run changes nothing. Users are looked up, never created.

${ORG_HELP}
  --audience AUD           the API audience (required to create the server)
  --client-id ID           an existing agent app to fix instead of creating "Finance Agent"
  --key-out FILE           private_key_jwt: write the generated private key (PKCS#8 PEM) here
  --kid KID                the generated key's id (default agbac-<date>)
  --secret-out FILE        client_secret_jwt: write a newly created app's client secret here
  --scope S                (repeatable; default finance.read)
  --act-via hook           act from a token inline hook instead of the guide's claim: registers the
                           hook at --hook-url (unless a token hook has that URL), activates it and
                           attaches it to the rule that serves the agent; prints its configuration
  --hook-secret-env VAR    the Authorization secret Okta sends the hook (give agbac hook serve the same)
  --hook-secret-out FILE   or: generate one and write it here
  --act-via token-exchange the human from their own sign-in instead of act: gives the agent app the
                           Token Exchange grant and a rule that allows it, and creates (or fixes) the
                           native app people sign in with (authorization code with PKCE), served by
                           the same policy; no act claim
  --sign-in-client-id ID   an existing app people sign in with, instead of "AGBAC Sign-In"
  --redirect-uri URI       the loopback redirect URI to register for it (default
                           http://127.0.0.1:8765/callback: Okta compares it whole, port included)
  --format text|json

Exit status: 0 done (or planned), 1 failed, 2 usage error.`,
  async run(args, io) {
    const { values } = parse(args, {
      ...ORG_OPTIONS,
      audience: { type: 'string' },
      'client-id': { type: 'string' },
      'key-out': { type: 'string' },
      kid: { type: 'string' },
      'secret-out': { type: 'string' },
      scope: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      format: { type: 'string' },
      'act-via': { type: 'string' },
      'hook-url': { type: 'string' },
      'hook-secret-env': { type: 'string' },
      'hook-secret-out': { type: 'string' },
      'sign-in-client-id': { type: 'string' },
      'redirect-uri': { type: 'string' },
    }, false);
    const format = formatOption(values.format, ['text', 'json'] as const);
    const audience = requireOption(values, 'audience');
    const { actVia, hookUrl } = actViaOption(values, ['assertion', 'hook', 'token-exchange'] as const);
    if (actVia !== 'token-exchange' && (values['sign-in-client-id'] || values['redirect-uri'])) throw new UsageError('--sign-in-client-id and --redirect-uri go with --act-via token-exchange');
    const redirectUri = values['redirect-uri'];
    if (redirectUri !== undefined && !isLoopbackRedirect(redirectUri)) throw new UsageError(`--redirect-uri must be http on the loopback interface with a port, e.g. http://127.0.0.1:8765/callback, got "${redirectUri}"`);
    if (actVia === 'hook' && !hookUrl) throw new UsageError('--act-via hook needs --hook-url (where agbac hook serve is reachable by Okta)');
    if (actVia !== 'hook' && (hookUrl || values['hook-secret-env'] || values['hook-secret-out'])) throw new UsageError('--hook-url, --hook-secret-env and --hook-secret-out go with --act-via hook');
    if (values['hook-secret-env'] && values['hook-secret-out']) throw new UsageError('give --hook-secret-env or --hook-secret-out, not both');
    const hookSecret = values['hook-secret-env']
      ? secretFromEnv(values['hook-secret-env'], io, 'hook-secret')
      : values['hook-secret-out'] ? randomBytes(32).toString('base64url') : undefined;
    const dryRun = values['dry-run'] === true;
    const keyOut = values['key-out'];
    let publicJwk: JWK | undefined;
    let privatePem: string | undefined;
    if (keyOut) {
      const pair = await generateKeyPair('RS256', { extractable: true });
      const kid = values.kid ?? `agbac-${new Date(io.now() * 1000).toISOString().slice(0, 10)}`;
      publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
      privatePem = await exportPKCS8(pair.privateKey);
    }
    const result = await guarded(async () =>
      provision(
        await org(values, io),
        {
          ...(values['auth-server'] ? { authServerId: values['auth-server'] } : {}),
          ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
          audience,
          scopes: values.scope ?? ['finance.read'],
          authMethod: keyOut ? 'private_key_jwt' : 'client_secret_jwt',
          ...(publicJwk ? { publicJwk } : {}),
          ...(actVia === 'hook' && hookUrl ? { actVia, hook: { url: hookUrl, ...(hookSecret ? { secret: hookSecret } : {}) } } : {}),
          ...(actVia === 'token-exchange'
            ? { actVia, signIn: { ...(values['sign-in-client-id'] ? { clientId: values['sign-in-client-id'] } : {}), ...(redirectUri ? { redirectUri } : {}) } }
            : {}),
        },
        { dryRun, progress: progressOf(io, 'provision') },
      ),
    );
    const wroteKey = Boolean(keyOut && privatePem && !dryRun && result.changes.some((change) => change.target.startsWith('app')));
    if (wroteKey && keyOut && privatePem) await writeFile(keyOut, privatePem, { mode: 0o600 });
    const wroteSecret = Boolean(values['secret-out'] && result.clientSecret);
    if (wroteSecret && values['secret-out'] && result.clientSecret) await writeFile(values['secret-out'], result.clientSecret, { mode: 0o600 });
    const wroteHookSecret = Boolean(values['hook-secret-out'] && hookSecret && result.hookRegistered && !dryRun);
    if (wroteHookSecret && values['hook-secret-out'] && hookSecret) await writeFile(values['hook-secret-out'], hookSecret, { mode: 0o600 });

    if (format === 'json') {
      io.out(json({
        dryRun, changes: result.changes, notes: result.notes, authServerId: result.authServerId ?? null, clientId: result.clientId ?? null, kid: publicJwk?.kid ?? null,
        ...(actVia === 'hook' ? { hookId: result.hookId ?? null, hookUrl } : {}),
        ...(actVia === 'token-exchange' ? { signInClientId: result.signInClientId ?? null, redirectUri: result.signInRedirectUri ?? null } : {}),
      }));
      return EXIT.ok;
    }
    if (result.changes.length === 0) io.out('Nothing to change: the org already matches the guide.');
    else io.out(`${dryRun ? 'Plan' : 'Changed'}:\n${result.changes.map((change) => `  ${change.action} ${change.target}: ${change.detail}`).join('\n')}`);
    for (const note of result.notes) io.out(`  note: ${note.target}: ${note.message}`);
    if (!dryRun) {
      io.out(`\nAuthorization server: ${result.authServerId ?? '?'}\nAgent client id: ${result.clientId ?? '?'}`);
      if (wroteKey) io.out(`Private key written to ${keyOut ?? ''} (kid ${publicJwk?.kid ?? ''}); keep it secret.`);
      if (result.clientSecret && !wroteSecret) io.out('A client secret was created: copy it from the Okta admin console (the app → Client Credentials), or run again with --secret-out FILE next time.');
      if (wroteSecret) io.out(`Client secret written to ${values['secret-out'] ?? ''}.`);
      if (actVia === 'hook' && hookUrl) io.out(hookConfiguration(values, result.hookId, hookUrl, wroteHookSecret));
      if (actVia === 'token-exchange') {
        io.out(`Sign-in app: ${result.signInClientId ?? '?'}\nRedirect URI: ${result.signInRedirectUri ?? '?'}`);
        io.out('A person signs in with agbac login --client-id <sign-in app> --redirect-uri <redirect URI> (or Request Token in the editor); the agent exchanges their token with agbac token --flow token-exchange --subject-token <token|file|->.');
      }
    }
    return EXIT.ok;
  },
};

/** What the operator needs to run the hook and the agent: never the secret itself. */
function hookConfiguration(values: Values, hookId: string | undefined, hookUrl: string, wroteSecret: boolean): string {
  const secretFrom = typeof values['hook-secret-env'] === 'string' ? `the value of $${values['hook-secret-env']}` : wroteSecret ? `the secret written to ${String(values['hook-secret-out'])}` : 'the secret it was registered with (Okta never shows it)';
  const orgUrl = typeof values['org-url'] === 'string' ? values['org-url'] : 'URL';
  return [
    '',
    'Token inline hook:',
    `  Hook id:        ${hookId ?? '?'} (ACTIVE, run by the rule that serves the agent)`,
    `  Hook URL:       ${hookUrl} (Okta calls it; act assertions name it as aud)`,
    `  Authorization:  ${secretFrom}`,
    'Run it with the same secret and the Management API (the human is checked in the org):',
    `  HOOK_SECRET=… agbac hook serve --secret-env HOOK_SECRET --org-url ${orgUrl} --api-token-env OKTA_API_TOKEN --client-secret-env AGENT_SECRET --public-url ${hookUrl}`,
    'Agents request tokens with: agbac token … --act-via hook --hook-url ' + hookUrl,
    'Okta skips a hook it cannot reach within 3 s and issues the token without act: resource servers must deny tokens without act.',
  ].join('\n');
}

export const whoisCommand: Command = {
  usage: `agbac whois <login or email> --org-url URL --api-token-env VAR [--format text|json]

${ORG_HELP}

Exit status: 0 found, 1 not found or failed, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, { ...ORG_OPTIONS, format: { type: 'string' } });
    const [login, ...extra] = positionals;
    if (!login || extra.length) throw new UsageError('give one login or email address');
    const format = formatOption(values.format, ['text', 'json'] as const);
    const users = await guarded(async () => findUsers(await org(values, io), login));
    if (format === 'json') io.out(json(users));
    else if (users.length === 0) io.err(`no user has the login or email ${escapeControls(login)}`);
    else io.out(users.map((user) => escapeControls(`${user.id}  ${user.status}  ${user.login}${user.name ? `  ${user.name}` : ''}`)).join('\n'));
    return users.length ? EXIT.ok : EXIT.failed;
  },
};
