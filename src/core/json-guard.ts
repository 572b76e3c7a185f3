/**
 * What `JSON.parse` accepts without a word but a security tool must not: member names that appear
 * twice in one object (the last silently wins, so two readers can see two different claims) and
 * nesting so deep that every recursive reader after the parse (jsonc-parser's visitor,
 * `JSON.stringify`, a tree walk) overflows the stack. One pass of jsonc-parser's scanner, which
 * keeps no stack of its own, finds both before anything recursive runs.
 */
import { createScanner } from 'jsonc-parser';
import { TOKEN } from './json-tokens';

/**
 * The deepest nesting any JSON the toolkit reads may have. Tokens and payloads are two or three
 * levels deep; 64 leaves room for any configuration while keeping recursive readers far from
 * the stack's limit.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonShapeProblem =
  | { readonly kind: 'too-deep'; readonly offset: number; readonly limit: number }
  | { readonly kind: 'duplicate-member'; readonly name: string; readonly offset: number };


/** An array frame: it has no member names. */
const ARRAY = null;

/**
 * The first shape problem of a JSON (or JSONC) text: nesting deeper than `maxDepth`, or, with
 * `duplicates`, a member name repeated in one object (compared after unescaping, so `"a"` and
 * `"\u0061"` are the same name). Syntax errors are not its business: the parser reports them.
 */
export function jsonShapeProblem(text: string, options: { maxDepth?: number; duplicates?: boolean } = {}): JsonShapeProblem | undefined {
  const limit = options.maxDepth ?? MAX_JSON_DEPTH;
  const scanner = createScanner(text, true);
  // One entry per open object (its names so far, when duplicates are checked) or array.
  const frames: (Set<string> | undefined | typeof ARRAY)[] = [];
  let expectName = false;
  for (let token = scanner.scan(); token !== TOKEN.eof; token = scanner.scan()) {
    if (token === TOKEN.openBrace || token === TOKEN.openBracket) {
      if (frames.length >= limit) return { kind: 'too-deep', offset: scanner.getTokenOffset(), limit };
      const isObject = token === TOKEN.openBrace;
      frames.push(isObject ? (options.duplicates ? new Set() : undefined) : ARRAY);
      expectName = isObject;
    } else if (token === TOKEN.closeBrace || token === TOKEN.closeBracket) {
      frames.pop();
      expectName = false;
    } else if (token === TOKEN.comma) {
      expectName = frames.length > 0 && frames[frames.length - 1] !== ARRAY;
    } else if (token === TOKEN.string && expectName) {
      expectName = false;
      const names = frames[frames.length - 1];
      if (!names) continue;
      const name = scanner.getTokenValue();
      if (names.has(name)) return { kind: 'duplicate-member', name, offset: scanner.getTokenOffset() };
      names.add(name);
    } else {
      expectName = false;
    }
  }
  return undefined;
}

/**
 * The same verdict as {@link jsonShapeProblem} with duplicates checked, for a text that
 * `JSON.parse` already read into `value`, usually without scanning it: every member of the text
 * ends in a quote and a colon, so when the text has exactly as many \`"…:\` as the value has
 * members (and the value is not too deep), no name was repeated. Anything else (a repeated
 * name, or a string that happens to hold \`":\`) takes the full scan.
 */
export function parsedShapeProblem(text: string, value: unknown, maxDepth = MAX_JSON_DEPTH): JsonShapeProblem | undefined {
  const members = memberCount(value, 0, maxDepth);
  return members >= 0 && memberEnds(text) === members ? undefined : jsonShapeProblem(text, { maxDepth, duplicates: true });
}

/**
 * The members of every object in a parsed value, or -1 when it nests `maxDepth` deep. The
 * recursion is bounded by `maxDepth`, so it cannot overflow the stack.
 */
function memberCount(value: unknown, depth: number, maxDepth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth >= maxDepth) return -1;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = memberCount(item, depth + 1, maxDepth);
      if (inner < 0) return -1;
      count += inner;
    }
    return count;
  }
  for (const key in value) {
    const inner = memberCount((value as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (inner < 0) return -1;
    count += inner + 1;
  }
  return count;
}

/** How many times a quote, maybe white space, and a colon follow each other (the end of a member name). */
function memberEnds(text: string): number {
  let count = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    let before = colon - 1;
    while (before >= 0 && isJsonSpace(text.charCodeAt(before))) before--;
    if (before >= 0 && text.charCodeAt(before) === 34) count++;
  }
  return count;
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
