/** `agbac doctor`, `agbac provision`, `agbac whois`: the Okta org against the setup guide. */
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { writeFile } from 'node:fs/promises';
import { connectionUrls, escapeControls } from '../core';
import { NetworkError } from '../oauth';
import { type Check, findUsers, ManagementError, type OrgApi, provision, runDoctor } from '../okta';
import { type Command, CommandError, EXIT, formatOption, type Io, json, parse, progressOf, UsageError } from './common';
import { caOption, CONNECTION_HELP, CONNECTION_OPTIONS, connectionFromOptions, connectOrgOption, optionalSigningCredential, ORG_HELP, ORG_OPTIONS, requireOption, timeoutOption } from './okta-options';

type Values = Record<string, string | boolean | string[] | undefined>;

async function org(values: Values, io: Io): Promise<OrgApi> {
  return connectOrgOption(values, io);
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
  name: 'doctor',
  summary: 'check an Okta org against every step of the setup guide, then make a live token request',
  usage: `agbac doctor --org-url URL --api-token-env VAR --auth-server ID --client-id ID
             [--client-secret-env VAR | --key FILE --kid KID] [--act-sub USER_ID] [--group NAME] [options]

Checks the authorization server (exists, ACTIVE, audience), the scopes, the act claim (the guide's
expression, ACTIVE, in the access token, for the requested scopes), an access policy assigned to the
agent with a client-credentials rule, the agent app (service app, grant, client authentication,
public key), the human (exists, ACTIVE, in the group), and with a client secret or key a live probe:
sign, request, verify, and the round trip of act. Each failure says why, how to fix it, and the
guide's step.

${ORG_HELP}
${CONNECTION_HELP}
  --format text|json

Exit status: 0 when every check passes, 1 otherwise, 2 usage error.`,
  async run(args, io) {
    const { values } = parse(args, { ...ORG_OPTIONS, ...CONNECTION_OPTIONS, format: { type: 'string' } }, false);
    const format = formatOption(values.format, ['text', 'json'] as const);
    const connection = connectionFromOptions(values, { requireClient: true });
    const checks = await guarded(async () =>
      runDoctor({
        org: await org(values, io),
        connection,
        credential: await optionalSigningCredential(values, io),
        ca: await caOption(values),
        timeoutMs: timeoutOption(values),
        clock: io.now,
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
  name: 'provision',
  summary: 'make an Okta org match the setup guide (plan first with --dry-run; idempotent)',
  usage: `agbac provision --org-url URL --api-token-env VAR [--auth-server ID] --audience AUD
                [--client-id ID] [--key-out FILE --kid KID | --secret-out FILE] [--scope S]... [--dry-run]

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
    }, false);
    const format = formatOption(values.format, ['text', 'json'] as const);
    const audience = requireOption(values, 'audience');
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
        },
        { dryRun, progress: progressOf(io, 'provision') },
      ),
    );
    const wroteKey = Boolean(keyOut && privatePem && !dryRun && result.changes.some((change) => change.target.startsWith('app')));
    if (wroteKey && keyOut && privatePem) await writeFile(keyOut, privatePem, { mode: 0o600 });
    const wroteSecret = Boolean(values['secret-out'] && result.clientSecret);
    if (wroteSecret && values['secret-out'] && result.clientSecret) await writeFile(values['secret-out'], result.clientSecret, { mode: 0o600 });

    if (format === 'json') {
      io.out(json({ dryRun, changes: result.changes, notes: result.notes, authServerId: result.authServerId ?? null, clientId: result.clientId ?? null, kid: publicJwk?.kid ?? null }));
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
    }
    return EXIT.ok;
  },
};

export const whoisCommand: Command = {
  name: 'whois',
  summary: 'look up the Okta user id (00u…) of a login or email, for act.sub',
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
