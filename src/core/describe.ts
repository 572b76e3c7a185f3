/** Markdown descriptions of claims and JWTs, for hovers (pure: the caller gives the time). */
import { claimDoc } from './claims';
import type { DecodedJwt } from './jwt';
import { checkAssertionHeader, checkAssertionPayload } from './rules/assertion';
import { checkTokenClaims, subjectsOf } from './rules/token';
import { classifyPayload, type LintOptions, type PayloadKind } from './lint';
import { isNumericDate, isoTime, relativeTime } from './time';

/** Markdown for a claim at `path` (relative to its payload), or undefined for an unknown claim. */
export function describeClaim(kind: PayloadKind, path: readonly (string | number)[], value: unknown, now: number): string | undefined {
  const doc = claimDoc(kind, path);
  if (!doc) return undefined;
  const name = path.join('.');
  const lines = [`**\`${name}\`**: ${doc.summary}`, '', doc.detail];
  if (doc.time && isNumericDate(value)) lines.push('', timeLine(name, value, now));
  return lines.join('\n');
}

/** Only the time line of a time claim ("`2026-…Z` (expires in 4 min)"), or undefined. */
export function describeTime(path: readonly (string | number)[], value: unknown, now: number): string | undefined {
  const name = path.join('.');
  return claimDoc('assertion', path)?.time && isNumericDate(value) ? `**\`${name}\`**: ${timeLine(name, value, now)}` : undefined;
}

function timeLine(name: string, seconds: number, now: number): string {
  const relative = relativeTime(seconds, now);
  const phrase = name === 'exp' || name === 'delegation_expiry' ? (seconds > now ? `expires ${relative}` : `expired ${relative}`) : relative;
  return `\`${isoTime(seconds)}\` (${phrase})`;
}

/** Markdown summary of a decoded JWT: kind, header, issuer, the two subjects, times and problems. */
export function describeJwt(jwt: DecodedJwt, options: LintOptions): string {
  const { header, payload } = jwt;
  const kind = classifyPayload(payload) ?? 'token';
  const title = kind === 'assertion' ? 'Client assertion' : 'Access token';
  const subjects = subjectsOf(payload);
  const lines = [
    `**${title}** · \`${String(header.alg)}\`${typeof header.kid === 'string' ? ` · kid \`${header.kid}\`` : ''} · signature not verified`,
    '',
    `| | |`,
    `|---|---|`,
    `| issuer | ${cell(payload.iss)} |`,
    `| agent (\`sub\`) | ${cell(subjects.agent)} |`,
    `| human (\`act.sub\`) | ${subjects.human ? cell(subjects.human) : '**none**'} |`,
  ];
  if (kind === 'token') lines.push(`| scopes | ${cell(Array.isArray(payload.scp) ? payload.scp.join(' ') : payload.scope)} |`);
  else lines.push(`| audience | ${cell(payload.aud)} |`);
  for (const claim of ['iat', 'exp'] as const) {
    const value = payload[claim];
    if (isNumericDate(value)) lines.push(`| ${claim} | ${timeLine(claim, value, options.now).replace(/\|/g, '\\|')} |`);
  }
  const findings =
    kind === 'assertion'
      ? [...checkAssertionHeader(header, { ...options.assertion }), ...checkAssertionPayload(payload, { ...options.assertion, now: options.now })]
      : checkTokenClaims(payload, { ...options.token, now: options.now });
  const problems = findings.filter((finding) => finding.severity !== 'info');
  lines.push('');
  if (problems.length === 0) lines.push('No problems found by the AGBAC rules (the signature is checked by **AGBAC: Verify Token**).');
  else lines.push(...problems.slice(0, 5).map((finding) => `- ${finding.severity === 'error' ? '$(error)' : '$(warning)'} \`${finding.code}\` ${finding.message}`));
  if (problems.length > 5) lines.push(`- … and ${problems.length - 5} more`);
  return lines.join('\n');
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

