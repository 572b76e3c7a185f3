/** `agbac verify`: verify an access token and make the dual-subject decision. */
import {
  AgbacError,
  CHECK_NAMES,
  CLAIM_MAPPINGS,
  type DelegationPolicy,
  formatPolicyPath,
  isoTime,
  LineIndex,
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
import { parsePolicyText } from '../core/policy-text';
import { type HumanPolicy, remoteKeySet, verifyLive } from '../oauth';
import { oktaDirectory } from '../okta';
import { caOption, connectOrgOption, ORG_OPTIONS, timeoutOption } from './okta-options';
import { type Command, CommandError, EXIT, formatOption, InputFileError, intOption, type Io, json, nowOption, parse, profileOption, readTextFile, readToken, UsageError } from './common';
import { keysFromFile } from './keys';

export const verifyCommand: Command = {
  usage: `agbac verify <token|file|-> --issuer URL --audience AUD [--jwks <file|url>] [options]

Checks the signature (RS256 only, unless --alg says otherwise), issuer, audience, times, the
agent (sub, cid), the scopes, and the human (act), then decides: ALLOW only when every check passes
and both subjects are approved. The agent is approved by client id (--agent); the human by Okta
user id, never by login or email (--human or --group); or both by a delegation policy
(--policy). A subject approved by nothing makes the decision DENY, unless its check is waived on
purpose (--no-agent-check, --no-human-check): the outcome is then ALLOW_AGENT_UNCHECKED,
ALLOW_HUMAN_UNCHECKED or ALLOW_UNCHECKED, never ALLOW.

With --policy FILE (JSON or YAML, media/schemas/delegation-policy.schema.json) the decision is
AGBAC 1.0 §7.1 in full, and names each check: the agent permitted, the human permitted (by user id,
or by a group looked up with --org-url and a Management API credential), and the delegation valid,
unexpired (the policy's longest age) and appropriate (the delegation's scopes; the explicit scopes
only on the human's own sign-in, exchanged by the agent). The audit event carries the delegation's
type and context.

Options:
  --jwks FILE|URL       the issuer's keys: a JWKS or PEM file, or a JWKS URL (https, or http on
                        loopback); without it the keys are found through the issuer's metadata
  --issuer URL          the expected issuer, e.g. https://dev-123456.okta.com/oauth2/aus123abc456
  --audience AUD        the expected API audience, e.g. https://api.example.com/finance
  --scope S             a scope the action needs (repeatable)
  --agent ID            an approved agent: its client id, 0oa… (repeatable)
  --no-agent-check      approve no agent on purpose: the best outcome is ALLOW_AGENT_UNCHECKED
  --human ID            an approved human: an Okta user id, 00u… (repeatable)
  --group NAME          or approve the human by membership of this Okta group, looked up with
                        --org-url URL --api-token-env VAR (the Management API)
  --no-human-check      approve no human on purpose: the best outcome is ALLOW_HUMAN_UNCHECKED
  --ca FILE --timeout SECONDS   for fetching metadata and keys
  --assertion JWT|FILE  the client assertion: the token's act must equal its act
  --profile okta-guide|agbac-1.0
  --policy FILE         a delegation policy: who may act for whom, for which scopes, how long
  --mapping M           where the agent and the human are: okta or guide (sub = agent, act = human),
                        okta-on-behalf-of (uid = human, cid = agent), token-exchange or rfc8693
                        (sub = human, act.sub = agent), or auto (told from the token's shape; the
                        guide's when it cannot be told). Default: the policy's mapping (auto) with
                        --policy, okta with --no-agent-check (a person's own token must never pass
                        as an agent's unchecked), auto otherwise
  --alg ALG             an allowed signing algorithm (repeatable; default RS256)
  --action A --resource R --correlation-id ID   recorded in the audit event
  --clock-skew SECONDS  default 60
  --max-lifetime SECONDS   the longest exp − iat accepted (default 86400, Okta's maximum)
  --now TIME            evaluate at this time (seconds or ISO)
  --format text|json    json has decision, checks, findings, agent, human and the audit event

Exit status: 0 ALLOW (or an ALLOW_…_UNCHECKED with a waived check), 1 DENY, 2 usage error.`,
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
      policy: { type: 'string' },
      alg: { type: 'string', multiple: true },
      action: { type: 'string' },
      resource: { type: 'string' },
      'correlation-id': { type: 'string' },
      group: { type: 'string' },
      'no-human-check': { type: 'boolean' },
      'no-agent-check': { type: 'boolean' },
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
    const agentWaived = values['no-agent-check'] === true;
    if (agentWaived && values.agent) throw new UsageError('approve the agent by --agent or waive the check with --no-agent-check, not both');
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
    if (waived && values.policy) throw new UsageError('--no-human-check and --policy contradict each other: the policy approves the human');
    const policy = values.policy === undefined ? undefined : await policyFile(values.policy);
    if (agentWaived && values.policy) throw new UsageError('--no-agent-check and --policy contradict each other: the policy approves the agent');
    // Told from the shape only where the agent is checked: a person's own token must never pass as an agent's.
    const choice = values.mapping ?? (policy ? policy.mapping : agentWaived ? 'okta' : 'auto');
    const mapping = choice === 'auto' ? undefined : CLAIM_MAPPINGS[choice];
    if (choice !== 'auto' && !mapping) throw new UsageError(`--mapping must be auto, ${Object.keys(CLAIM_MAPPINGS).join(', ')}; got "${values.mapping}"`);

    const ca = await caOption(values);
    const timeoutMs = timeoutOption(values);
    const policyGroups = policy ? [...new Set(policy.delegations.flatMap((rule) => rule.humans.groups))] : [];
    if (policyGroups.length && !values['org-url']) {
      throw new UsageError(`the policy approves people by group (${policyGroups.slice(0, 3).join(', ')}): give --org-url and a Management API credential to look them up`);
    }
    const directory = values.group || policyGroups.length ? oktaDirectory(await connectOrgOption(values, io)) : undefined;
    const human: HumanPolicy | undefined = values.human
      ? { kind: 'allow-list', ids: values.human }
      : values.group && directory
        ? { kind: 'group', group: values.group, directory }
        : waived
          ? { kind: 'waived' }
          : undefined;
    const result = await verifyLive(await readToken(source, io), {
      keys: values.jwks ? await loadKeys(values.jwks, io, { ca, timeoutMs }) : undefined,
      issuer: values.issuer,
      audience: values.audience,
      requiredScopes: values.scope ?? [],
      approvedAgents: values.agent,
      waiveAgentCheck: agentWaived,
      human,
      expectedActor: values.assertion ? await assertionActor(values.assertion, io) : undefined,
      profile: profileOption(values.profile),
      ...(mapping ? { mapping } : { detectMapping: true }),
      ...(policy ? { policy: { policy, ...(directory ? { directory } : {}) } } : {}),
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
      ...(values.agent || policy ? [] : agentWaived ? ['the agent\'s approval was waived (--no-agent-check): this is not a dual-subject ALLOW'] : ['the agent was not approved by a list (--agent), so the request is denied']),
      ...(values.human || values.group || policy ? [] : waived ? ['the human\'s approval was waived (--no-human-check): this is not a dual-subject ALLOW'] : ['the human was not approved by a list (--human) or a group (--group), so the request is denied']),
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
    mapping: result.mapping,
    delegation: result.delegation
      ? { ...result.delegation, grantedAt: result.delegation.grantedAt === undefined ? null : isoTime(result.delegation.grantedAt) }
      : null,
    policy: result.policy ?? null,
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
  if (result.policy) {
    const rule = result.policy.rule === undefined ? '' : ` (delegation ${result.policy.rule})`;
    lines.push(`  policy: ${result.policy.checks.map((check) => `${check.name} ${check.outcome}`).join(', ')}${rule}`);
    for (const check of result.policy.checks) lines.push(`    ${check.outcome === 'passed' ? '✓' : '✗'} ${check.name}: ${escapeControls(check.detail)}`);
  }
  if (result.mapping.name !== 'okta' || result.mapping.reason !== 'the default (the guide\'s)') lines.push(`  mapping: ${result.mapping.name} (${escapeControls(result.mapping.reason)})`);
  const delegation = result.delegation;
  if (delegation && (result.policy || delegation.evidence === 'sign-in')) {
    const evidence = delegation.evidence === 'sign-in' ? "the human's own sign-in" : "the agent's word for the human";
    const age = delegation.grantedAt === undefined ? 'no grant time' : `granted ${isoTime(delegation.grantedAt)}`;
    lines.push(`  delegation: ${delegation.type} on ${evidence}, ${age}, agents ${delegation.chain.map((id) => escapeControls(id)).join(' ← ') || '(none)'}`);
  }
  for (const note of unchecked) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** Reads a delegation policy file (JSON or YAML); its problems are one line, with their places. */
async function policyFile(file: string): Promise<DelegationPolicy> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    if (error instanceof InputFileError) throw new CommandError(`--policy: ${error.message}`, { cause: error });
    throw error;
  }
  const parsed = parsePolicyText(text);
  if (parsed.policy) return parsed.policy;
  const lines = new LineIndex(text);
  const shown = parsed.problems.slice(0, 3).map((problem) => {
    const at = lines.positionAt(problem.offset);
    const where = problem.path.length ? `${formatPolicyPath(problem.path)} ` : '';
    return `${escapeControls(file)}:${at.line + 1}:${at.character + 1}: ${where}${escapeControls(problem.message)}`;
  });
  const more = parsed.problems.length > 3 ? ` (and ${parsed.problems.length - 3} more)` : '';
  throw new CommandError(`the delegation policy is not valid: ${shown.join('; ')}${more}`);
}

function severityRank(severity: string): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}
