/**
 * A delegation policy file's text, JSON or YAML, read with the `yaml` package (YAML 1.2 reads JSON
 * too), every problem placed in the text. Kept apart from `policy.ts` so that only the commands
 * and editor features that read policy files load the YAML parser.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { messageOf } from './errors';
import { type DelegationPolicy, type PolicyProblem, readDelegationPolicy } from './policy';

/** A problem with its place in the text: character offsets, for diagnostics and `file:line:col`. */
export interface LocatedPolicyProblem extends PolicyProblem {
  readonly offset: number;
  readonly length: number;
}

/** Policy texts longer than this are refused unread. */
const MAX_TEXT_LENGTH = 1024 * 1024;

/**
 * Parses a policy file's text, JSON or YAML (YAML 1.2 reads JSON too): duplicate keys, aliases
 * beyond a few, and texts over 1 MiB are refused. Every problem has its place in the text.
 */
export function parsePolicyText(text: string): { readonly policy: DelegationPolicy | undefined; readonly problems: readonly LocatedPolicyProblem[] } {
  if (text.length > MAX_TEXT_LENGTH) return { policy: undefined, problems: [{ path: [], message: `the policy is larger than ${MAX_TEXT_LENGTH} characters`, offset: 0, length: 0 }] };
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true });
  if (document.errors.length) {
    return {
      policy: undefined,
      problems: document.errors.map((error) => ({ path: [], message: error.message.split('\n')[0] ?? error.message, offset: error.pos[0], length: Math.max(0, error.pos[1] - error.pos[0]) })),
    };
  }
  let value: unknown;
  try {
    // A few aliases are fine in YAML; many expand into a document much larger than its text.
    value = document.toJS({ maxAliasCount: 20 });
  } catch (error) {
    return { policy: undefined, problems: [{ path: [], message: messageOf(error), offset: 0, length: 0 }] };
  }
  const read = readDelegationPolicy(value);
  return { policy: read.policy, problems: read.problems.map((problem) => ({ ...problem, ...locate(document.contents, problem.path, text.length) })) };
}

/** The place of a path in the parsed text: the value there, or the nearest part of the path that exists. */
function locate(root: unknown, path: readonly (string | number)[], end: number): { offset: number; length: number } {
  let node: unknown = root;
  let place = rangeOf(root) ?? { offset: 0, length: Math.min(end, 1) };
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      next = pair?.value ?? undefined;
      if (pair && next === null) place = rangeOf(pair.key) ?? place;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    const range = rangeOf(next);
    if (!range) break;
    place = range;
    node = next;
  }
  return place;
}

function rangeOf(node: unknown): { offset: number; length: number } | undefined {
  const range = (node as Node | undefined)?.range;
  if (!range) return undefined;
  return { offset: range[0], length: Math.max(0, range[1] - range[0]) };
}
