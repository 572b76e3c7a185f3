/**
 * A small parser for the Management API's `search` and `filter` expressions: comparisons
 * `<attribute> eq "value"` and `<attribute> sw "value"`, joined by `and` / `or` (`and` binds
 * tighter) with parentheses. Comparisons ignore case. Anything else is refused with a message
 * that says what was expected, so the caller can answer 400 E0000031.
 */

export type FilterExpression =
  | { readonly kind: 'compare'; readonly attribute: string; readonly operator: 'eq' | 'sw'; readonly value: string }
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpression; readonly right: FilterExpression };

/** A search or filter the sandbox cannot read. */
export class FilterError extends Error {}

type Token = { type: 'word'; text: string } | { type: 'string'; text: string } | { type: '(' | ')' };

/**
 * Bounds that keep parsing linear and shallow whatever arrives in a query string: the parser
 * recurses once per parenthesis, so nesting is capped far below the stack's limit.
 */
const MAX_LENGTH = 4096;
const MAX_NESTING = 32;
const WORD = /[A-Za-z0-9_.$:-]+/y;

function tokenize(text: string): Token[] {
  if (text.length > MAX_LENGTH) throw new FilterError(`the expression is longer than ${MAX_LENGTH} characters`);
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char });
      index += 1;
    } else if (char === '"') {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= text.length) throw new FilterError('a quoted value is not closed');
        const next = text[index] ?? '';
        if (next === '\\' && index + 1 < text.length) {
          value += text[index + 1] ?? '';
          index += 2;
        } else if (next === '"') {
          index += 1;
          break;
        } else {
          value += next;
          index += 1;
        }
      }
      tokens.push({ type: 'string', text: value });
    } else {
      WORD.lastIndex = index;
      const match = WORD.exec(text);
      if (!match) throw new FilterError(`unexpected character ${JSON.stringify(char)} at position ${index + 1}`);
      tokens.push({ type: 'word', text: match[0] });
      index += match[0].length;
    }
  }
  return tokens;
}

/** Parses an expression over the given attributes; throws {@link FilterError}. */
export function parseFilter(text: string, attributes: readonly string[]): FilterExpression {
  const tokens = tokenize(text);
  let position = 0;
  let nesting = 0;
  const peekWord = () => {
    const token = tokens[position];
    return token?.type === 'word' ? token.text.toLowerCase() : undefined;
  };

  const parseOr = (): FilterExpression => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      position += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpression => {
    let left = parsePrimary();
    while (peekWord() === 'and') {
      position += 1;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): FilterExpression => {
    const token = tokens[position];
    if (token?.type === '(') {
      position += 1;
      if (++nesting > MAX_NESTING) throw new FilterError(`parentheses nest deeper than ${MAX_NESTING} levels`);
      const inner = parseOr();
      nesting -= 1;
      if (tokens[position]?.type !== ')') throw new FilterError('a "(" is not closed');
      position += 1;
      return inner;
    }
    if (token?.type !== 'word') throw new FilterError('expected an attribute such as profile.login');
    const attribute = token.text;
    if (!attributes.includes(attribute)) {
      throw new FilterError(`the sandbox cannot search "${attribute}"; supported: ${attributes.join(', ')}`);
    }
    const operatorToken = tokens[position + 1];
    const operator = operatorToken?.type === 'word' ? operatorToken.text.toLowerCase() : '';
    if (operator !== 'eq' && operator !== 'sw') {
      throw new FilterError(`the sandbox supports the operators eq and sw, not "${operator || 'nothing'}" after ${attribute}`);
    }
    const valueToken = tokens[position + 2];
    if (valueToken?.type !== 'string') throw new FilterError(`expected a quoted value after ${attribute} ${operator}`);
    position += 3;
    return { kind: 'compare', attribute, operator, value: valueToken.text };
  };

  if (tokens.length === 0) throw new FilterError('the expression is empty');
  const expression = parseOr();
  if (position < tokens.length) throw new FilterError(tokens[position]?.type === ')' ? 'a ")" has no "("' : 'expected "and" or "or" between comparisons');
  return expression;
}

/** Evaluates an expression; `read` gives an attribute's value (undefined: absent, never matches). */
export function matchesFilter(expression: FilterExpression, read: (attribute: string) => string | null | undefined): boolean {
  if (expression.kind === 'compare') return compare(expression, read);
  const left = matchesFilter(expression.left, read);
  return expression.kind === 'and' ? left && matchesFilter(expression.right, read) : left || matchesFilter(expression.right, read);
}

function compare(expression: Extract<FilterExpression, { kind: 'compare' }>, read: (attribute: string) => string | null | undefined): boolean {
  const actual = read(expression.attribute);
  if (actual === undefined || actual === null) return false;
  const left = actual.toLowerCase();
  const right = expression.value.toLowerCase();
  return expression.operator === 'eq' ? left === right : left.startsWith(right);
}
