/** `agbac verify`: verify an access token and make the dual-subject decision. */
import {
  AgbacError,
  CHECK_NAMES,
  CLAIM_MAPPINGS,
  escapeControls,
  formatPath,
  isRecord,
  type JsonRecord,
  looksLikeEmail,
  looksLikeUserId,
  messageOf,
  parseJwt,
  UrlError,
  type Verification,
  type VerificationKeys,
} from '../core';
import { type HumanPolicy, remoteKeySet, verifyLive } from '../oauth';
import { oktaDirectory } from '../okta';
import { caOption, connectOrgOption, ORG_OPTIONS, timeoutOption } from './okta-options';
import { type Command, CommandError, EXIT, formatOption, intOption, type Io, json, nowOption, parse, profileOption, readToken, UsageError } from './common';
import { keysFromFile } from './keys';

export const verifyCommand: Command = {
  usage: `agbac verify <token|file|-> --issuer URL --audience AUD [--jwks <file|url>] [options]

Checks the signature (RS256 only, unless --alg says otherwise), issuer, audience, times, the
agent (sub, cid), the scopes, and the human (act), then decides: ALLOW only when every check passes
and both subjects are approved. The human is approved by Okta user id, never by login or email:
by --human or --group. Without either the decision is DENY, unless --no-human-check waives it:
the outcome is then ALLOW_HUMAN_UNCHECKED, never ALLOW.

Options:
  --jwks FILE|URL       the issuer's keys: a JWKS or PEM file, or a JWKS URL (https, or http on
                        loopback); without it the keys are found through the issuer's metadata
  --issuer URL          the expected issuer, e.g. https://dev-123456.okta.com/oauth2/aus123abc456
  --audience AUD        the expected API audience, e.g. https://api.example.com/finance
  --scope S             a scope the action needs (repeatable)
  --agent ID            an approved agent client id (repeatable; unchecked when absent)
  --human ID            an approved human: an Okta user id, 00u… (repeatable)
  --group NAME          or approve the human by membership of this Okta group, looked up with
                        --org-url URL --api-token-env VAR (the Management API)
  --no-human-check      approve no human on purpose: the best outcome is ALLOW_HUMAN_UNCHECKED
  --ca FILE --timeout SECONDS   for fetching metadata and keys
  --assertion JWT|FILE  the client assertion: the token's act must equal its act
  --profile okta-guide|agbac-1.0
  --mapping okta|token-exchange   where the agent and the human are (default okta: sub=agent, act=human)
  --alg ALG             an allowed signing algorithm (repeatable; default RS256)
  --action A --resource R --correlation-id ID   recorded in the audit event
  --clock-skew SECONDS  default 60
  --max-lifetime SECONDS   the longest exp − iat accepted (default 86400, Okta's maximum)
  --now TIME            evaluate at this time (seconds or ISO)
  --format text|json    json has decision, checks, findings, agent, human and the audit event

Exit status: 0 ALLOW (or ALLOW_HUMAN_UNCHECKED with --no-human-check), 1 DENY, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      jwks: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      scope: { type: 'string', multiple: true },
      agent: { type: 'string', multiple: true },
      human: { type: 'string', multiple: true },
      assertion: { type: 'string' },
      profile: { type: 'string' },
      mapping: { type: 'string' },
      alg: { type: 'string', multiple: true },
      action: { type: 'string' },
      resource: { type: 'string' },
      'correlation-id': { type: 'string' },
      group: { type: 'string' },
      'no-human-check': { type: 'boolean' },
      ...ORG_OPTIONS,
      'clock-skew': { type: 'string' },
      'max-lifetime': { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
    });
    const [source, ...extra] = positionals;
    if (!source || extra.length) throw new UsageError('give exactly one token, file or -');
    if (!values.issuer) throw new UsageError('--issuer is required');
    if (!values.audience) throw new UsageError('--audience is required');
    const waived = values['no-human-check'] === true;
    if ([values.human, values.group, waived || undefined].filter((given) => given !== undefined).length > 1) {
      throw new UsageError('approve the human by one of --human, --group or --no-human-check');
    }
    for (const id of values.human ?? []) {
      // An approval names a person by identity; a login or email names whoever holds it.
      if (!looksLikeUserId(id)) {
        throw new UsageError(`--human takes Okta user ids (00u…), not ${looksLikeEmail(id) ? 'an email address or login' : 'other names'}; agbac whois finds the id`);
      }
    }
    const format = formatOption(values.format, ['text', 'json'] as const);
    const mapping = CLAIM_MAPPINGS[values.mapping ?? 'okta'];
    if (!mapping) throw new UsageError(`--mapping must be ${Object.keys(CLAIM_MAPPINGS).join(' or ')}, got "${values.mapping}"`);

    const ca = await caOption(values);
    const timeoutMs = timeoutOption(values);
    const human: HumanPolicy | undefined = values.human
      ? { kind: 'allow-list', ids: values.human }
      : values.group
        ? { kind: 'group', group: values.group, directory: oktaDirectory(await connectOrgOption(values, io)) }
        : waived
          ? { kind: 'waived' }
          : undefined;
    const result = await verifyLive(await readToken(source, io), {
      keys: values.jwks ? await loadKeys(values.jwks, io, { ca, timeoutMs }) : undefined,
      issuer: values.issuer,
      audience: values.audience,
      requiredScopes: values.scope ?? [],
      approvedAgents: values.agent,
      human,
      expectedActor: values.assertion ? await assertionActor(values.assertion, io) : undefined,
      profile: profileOption(values.profile),
      mapping,
      algorithms: values.alg,
      action: values.action,
      resource: values.resource,
      correlationId: values['correlation-id'],
      clockSkewSeconds: intOption('clock-skew', values['clock-skew'], { min: 0, max: 3600 }),
      maxLifetimeSeconds: intOption('max-lifetime', values['max-lifetime'], { min: 60, max: 366 * 86400 }),
      now: nowOption(values.now, io),
      ca,
      timeoutMs,
    }).catch((error: unknown) => {
      // A URL given on the command line that cannot be used is a usage mistake.
      if (error instanceof UrlError) throw new UsageError(error.message);
      if (error instanceof AgbacError) throw new CommandError(error.message, { cause: error });
      throw error;
    });

    const unchecked = [
      ...(values.agent ? [] : ['the agent was not checked against an approved list (--agent)']),
      ...(values.human || values.group ? [] : waived ? ['the human\'s approval was waived (--no-human-check): this is not a dual-subject ALLOW'] : ['the human was not approved by a list (--human) or a group (--group), so the request is denied']),
    ];
    io.out(format === 'json' ? json(verificationJson(result, unchecked)) : verificationText(result, unchecked));
    return result.decision === 'DENY' ? EXIT.failed : EXIT.ok;
  },
};

async function loadKeys(source: string, io: Io, options: { ca?: string; timeoutMs?: number }): Promise<VerificationKeys> {
  if (/^https?:\/\//i.test(source)) {
    try {
      return remoteKeySet(source, options);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
  }
  return keysFromFile(source, io);
}

async function assertionActor(source: string, io: Io): Promise<JsonRecord> {
  const parsed = parseJwt(await readToken(source, io));
  if (!parsed.ok) throw new CommandError(`--assertion is not a readable JWT: ${parsed.error.message}`);
  const act = parsed.jwt.payload.act;
  if (!isRecord(act)) throw new CommandError('--assertion has no act object to compare with');
  return act;
}

function verificationJson(result: Verification, unchecked: readonly string[]) {
  return {
    decision: result.decision,
    checks: result.checks,
    signatureValid: result.signatureValid,
    agent: result.agent ?? null,
    human: result.human ?? null,
    findings: result.findings.map((finding) => ({
      code: finding.code,
      severity: finding.severity,
      message: finding.message,
      path: formatPath(finding.path),
      part: finding.part,
    })),
    unchecked,
    audit: result.audit,
  };
}

function verificationText(result: Verification, unchecked: readonly string[]): string {
  const mark = { error: '✗', warning: '!', info: 'i' } as const;
  // The subjects come from the token: escaped, so a crafted act.sub cannot rewrite this line.
  const subject = (value: string | undefined) => (value === undefined ? '(none)' : escapeControls(value));
  const lines = [`${result.decision}  agent ${subject(result.agent)}  human ${subject(result.human)}`];
  const sorted = [...result.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  for (const finding of sorted) lines.push(`  ${mark[finding.severity]} ${finding.code} ${finding.message}`);
  if (result.decision === 'ALLOW') lines.push('  ✓ signature, issuer, audience, lifetime, agent, scopes and human all pass');
  lines.push(`  checks: ${CHECK_NAMES.map((name) => `${name} ${result.checks[name]}`).join(', ')}`);
  for (const note of unchecked) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

function severityRank(severity: string): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}
