/**
 * The documents the doctor and provisioning open: Markdown reports of what was checked or
 * planned, with each failure's why, fix and guide step. No VS Code here: tested on plain Node.
 */
import { type Connection, isoTime } from '../../core';
import type { Check } from '../../okta/checks';
import type { PlannedChange, ProvisionNote } from '../../okta/provision';

const MARK: Readonly<Record<Check['status'], string>> = { pass: '✓', fail: '✗', skip: '–' };

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function doctorReport(connection: Connection, checks: readonly Check[], humanId: string | undefined, at: number): string {
  const count = (status: Check['status']) => checks.filter((check) => check.status === status).length;
  const failed = checks.filter((check) => check.status === 'fail');
  return [
    `# AGBAC doctor: ${connection.name}`,
    '',
    `Org ${connection.orgUrl} · authorization server \`${connection.authServerId}\` · agent \`${connection.clientId}\` (${connection.authMethod})${humanId ? ` · human \`${humanId}\`` : ''} · ${isoTime(at)}`,
    '',
    `**${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped**${failed.length ? '' : ': the org matches every step of the guide that was checked.'}`,
    '',
    '| | Check | Found | Guide |',
    '|---|---|---|---|',
    ...checks.map((check) => `| ${MARK[check.status]} | ${cell(check.title)} | ${cell(check.status === 'skip' ? `skipped: ${check.detail}` : check.detail)} | ${cell(check.guideStep ?? '')} |`),
    ...(failed.length
      ? ['', '## What to fix', ...failed.flatMap((check) => [
          '',
          `### ✗ ${check.title}${check.guideStep ? ` (${check.guideStep})` : ''}`,
          '',
          `- Found: ${check.detail}`,
          ...(check.why ? [`- Why it matters: ${check.why}`] : []),
          ...(check.fix ? [`- Fix: ${check.fix}`] : []),
        ])]
      : []),
    '',
  ].join('\n');
}

export function provisionReport(connection: Connection, changes: readonly PlannedChange[], notes: readonly ProvisionNote[], applied: boolean): string {
  const heading = applied ? `# AGBAC provisioning: ${connection.name}, applied` : `# AGBAC provisioning: ${connection.name}, the plan`;
  return [
    heading,
    '',
    `Org ${connection.orgUrl}. ${applied ? 'These changes were made, in this order:' : 'Nothing has been changed yet. Provision Okta applies these changes after a confirmation:'}`,
    '',
    ...(changes.length ? changes.map((change, index) => `${index + 1}. **${change.action}** ${change.target}: ${change.detail}`) : ['Nothing to change: the org already matches the setup guide.']),
    ...(notes.length ? ['', '## Notes (what provisioning cannot change)', '', ...notes.map((note) => `- ${note.target}: ${note.message}`)] : []),
    '',
    'Users are looked up, never created: add the humans in Okta (Directory → People) and save them with Add Human.',
    '',
  ].join('\n');
}
