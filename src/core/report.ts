/** Findings as the CLI prints them: text lines, a JSON array, or SARIF 2.1.0. */
import type { Log as SarifLog } from 'sarif';
import type { LocatedFinding } from './lint';
import { type RuleCode, RULES, type Severity } from './rules/catalogue';
import { formatPath } from './rules/finding';

/** One finding in the CLI's JSON contract: 1-based positions. */
export interface ReportedFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: RuleCode;
  readonly message: string;
  /** The JSON path in the file, e.g. `$[1].act.sub`. */
  readonly path: string;
}

export function reportFindings(file: string, findings: readonly LocatedFinding[]): ReportedFinding[] {
  return findings.map((finding) => ({
    file,
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    path: formatPath(finding.documentPath),
  }));
}

/** `file:line:col severity code message`, one line each. */
export function formatTextReport(findings: readonly ReportedFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`).join('\n');
}

/** A one-line tally: "3 errors, 1 warning, 2 notes in 4 files". */
export function summarize(findings: readonly ReportedFinding[], files: number): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'note')} in ${plural(files, 'file')}`;
}

const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

/** A SARIF 2.1.0 log with one run (typed by the SARIF 2.1.0 definitions); the rules come from the catalogue. */
export function toSarif(findings: readonly ReportedFinding[], tool: { name: string; version: string; informationUri?: string }): SarifLog {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.code, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: RULES.map((rule) => ({
              id: rule.code,
              name: rule.name,
              shortDescription: { text: rule.message.replace(/\{\w+\}/g, '…') },
              fullDescription: { text: rule.explanation },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
              properties: { targets: rule.targets },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => ({
          ruleId: finding.code,
          ruleIndex: ruleIndex.get(finding.code) ?? -1,
          level: SARIF_LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(finding.file) },
                region: {
                  startLine: finding.line,
                  startColumn: finding.column,
                  endLine: finding.endLine,
                  endColumn: finding.endColumn,
                },
              },
              logicalLocations: [{ fullyQualifiedName: finding.path, kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}

/** A relative path as a SARIF URI reference (forward slashes, percent-encoded segments). */
function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}
