/** `agbac explain`: a rule's explanation, or the list of rules. */
import { explainRule, findRule, RULES } from '../core';
import { type Command, EXIT, formatOption, json, parse, UsageError } from './common';

export const explainCommand: Command = {
  usage: `agbac explain <code|name> [--format text|json]
agbac explain --list [--format text|json]`,
  async run(args, io) {
    const { values, positionals } = parse(args, { list: { type: 'boolean' }, format: { type: 'string' } });
    const format = formatOption(values.format, ['text', 'json'] as const);
    if (values.list) {
      if (positionals.length) throw new UsageError('--list takes no rule code');
      io.out(format === 'json' ? json(RULES) : RULES.map((rule) => `${rule.code}  ${rule.severity.padEnd(7)}  ${rule.name}`).join('\n'));
      return EXIT.ok;
    }
    const [code, ...extra] = positionals;
    if (!code || extra.length) throw new UsageError('give one rule code, e.g. agbac explain AGBAC010, or --list');
    const rule = findRule(code);
    if (!rule) throw new UsageError(`no rule "${code}"; agbac explain --list shows them all`);
    io.out(format === 'json' ? json(rule) : explainRule(rule, 'text'));
    return EXIT.ok;
  },
};
