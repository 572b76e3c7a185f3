/**
 * A rule's explanation, rendered once for every place that shows it: `agbac explain` (text), the
 * editor's rule documents and docs/rules.md (Markdown). The facts come from the catalogue entry
 * only, in the same order in both syntaxes, so the three cannot disagree.
 */
import type { Rule } from './rules/catalogue';

export type ExplanationFormat = 'text' | 'markdown';

/** The explanation of a rule, as plain text or as a Markdown section (`## AGBAC010 aud-is-issuer`). */
export function explainRule(rule: Rule, format: ExplanationFormat): string {
  const variants = rule.severityIn ? `; ${Object.entries(rule.severityIn).map(([profile, severity]) => `${severity} under ${profile}`).join(', ')}` : '';
  const applies = `${rule.targets.join(', ')}${rule.profiles ? `; profiles: ${rule.profiles.join(', ')}` : ''}`;
  if (format === 'text') {
    return [
      `${rule.code} ${rule.name} (${rule.severity}${variants})`,
      `Applies to: ${applies}`,
      `Points at: ${rule.path}`,
      `Message: ${rule.message}`,
      '',
      rule.explanation,
      ...(rule.fix ? ['', `Quick fix: ${rule.fix}`] : []),
      ...(rule.reference ? [`Reference: ${rule.reference}`] : []),
    ].join('\n');
  }
  const template = rule.templateSeverity ? ` (${rule.templateSeverity} in an unsigned payload file)` : '';
  return [
    `## ${rule.code} ${rule.name}`,
    '',
    `Severity: **${rule.severity}**${variants}${template}. Applies to: ${applies}. Points at \`${rule.path}\`.`,
    '',
    `> ${rule.message}`,
    '',
    rule.explanation,
    ...(rule.fix ? ['', `Quick fix: \`${rule.fix}\`.`] : []),
    ...(rule.reference ? ['', `Source: ${rule.reference}.`] : []),
  ].join('\n');
}

/** The anchor GitHub gives a rule's Markdown heading (`agbac010-aud-is-issuer`). */
export function ruleAnchor(rule: Rule): string {
  return `${rule.code}-${rule.name}`.toLowerCase();
}
