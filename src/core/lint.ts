/**
 * Linting a document: find the assertion and token payloads in a JSON text (a payload object, an
 * array of them, JWT strings anywhere), check each, and place every finding on a range of the text.
 *
 * Values come from `JSON.parse` (or jsonc-parser for JSONC); positions from one streaming pass
 * that looks up only the paths the findings need, so a 1 MB file costs a few parses, not a tree.
 */
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-guard';
import { type DecodedJwt, looksLikeJwt, parseJwt } from './jwt';
import { JsonLocator, type PathNode } from './locate';
import { type AssertionExpectations, checkAssertionHeader, checkAssertionPayload } from './rules/assertion';
import { ruleFor } from './rules/catalogue';
import { type Finding, FindingList, isRecord, type JsonPath } from './rules/finding';
import { checkTokenClaims, type TokenExpectations } from './rules/token';
import type { ProfileName } from './profiles';
import { LineIndex, type Position, type TextRange } from './text';

export type PayloadKind = 'assertion' | 'token';
/** How plain payload objects are read: guessed from their claims, or as the file name says. */
export type DocumentKind = 'auto' | PayloadKind;

export interface LintOptions {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly kind?: DocumentKind;
  readonly assertion?: Omit<AssertionExpectations, 'now'>;
  readonly token?: Omit<TokenExpectations, 'now'>;
}

/** A payload found in the document. */
export interface PayloadSite {
  readonly kind: PayloadKind;
  /** Where the payload is in the document's JSON (empty for the root). */
  readonly path: JsonPath;
  readonly origin: 'object' | 'jwt';
  /** The object (brace to brace), or the JWT string's characters without the quotes. */
  readonly range: TextRange;
  readonly payload: unknown;
  readonly jwt?: DecodedJwt;
  /** Why a JWT-shaped string could not be decoded. */
  readonly jwtError?: string;
}

export interface LocatedRange extends TextRange {
  readonly start: Position;
  readonly end: Position;
}

export interface LocatedFinding extends Finding {
  /** Where the finding points: the payload's path in the document plus the finding's path. */
  readonly documentPath: JsonPath;
  readonly range: LocatedRange;
  readonly site: PayloadSite | undefined;
  readonly relatedLocations: readonly { readonly message: string; readonly range: LocatedRange }[];
}

export interface LintResult {
  readonly findings: LocatedFinding[];
  readonly sites: PayloadSite[];
}

/** A site before its place in the text is known. */
type UnplacedSite = Omit<PayloadSite, 'range'>;

/**
 * Lints a JSON (or JSONC) text, or a text that is one compact JWT.
 *
 * @example
 * const { findings } = lintDocument(text, { now, assertion: { clientId: '0oa…', tokenEndpoint } });
 * for (const f of findings) console.log(f.range.start.line + 1, f.code, f.message);
 */
export function lintDocument(text: string, options: LintOptions): LintResult {
  const lines = new LineIndex(text);
  const place = (range: TextRange): LocatedRange => ({
    offset: range.offset,
    length: range.length,
    start: lines.positionAt(range.offset),
    end: lines.positionAt(range.offset + range.length),
  });

  // A document that is one JWT starts with its header (`eyJ`); only then is the whole text trimmed.
  const trimmed = /^\s*eyJ/.test(text) ? text.trim() : '';
  if (trimmed && looksLikeJwt(trimmed)) {
    const found = jwtSite(trimmed, [], options);
    if (!found) return { sites: [], findings: [] };
    const site = { ...found, range: { offset: text.indexOf(trimmed), length: trimmed.length } };
    const findings = checkSite(site, expectationsOf(options)).map((finding) => locateInJwt(finding, site, place));
    return { sites: [site], findings };
  }

  const fileFinding = (code: 'AGBAC000' | 'AGBAC092', params: Record<string, string | number>, range: TextRange): LintResult => {
    const list = new FindingList(options.assertion?.profile ?? 'okta-guide');
    list.add(code, [], params);
    const located = place(range);
    return { sites: [], findings: list.items.map((finding) => ({ ...finding, documentPath: [], range: located, site: undefined, relatedLocations: [] })) };
  };
  const tooDeep = (): LintResult => {
    const offset = jsonShapeProblem(text)?.offset ?? 0;
    return fileFinding('AGBAC092', { limit: MAX_JSON_DEPTH, line: lines.positionAt(offset).line + 1 }, { offset, length: Math.min(1, text.length - offset) });
  };

  const parsed = parseJsonText(text);
  if ('tooDeep' in parsed) return tooDeep();
  if ('error' in parsed) {
    const at = lines.positionAt(parsed.error.offset);
    const detail = `${printParseErrorCode(parsed.error.error)} at line ${at.line + 1}, column ${at.character + 1}`;
    // At the end of the text there is no character to mark: the range stays inside the text.
    const length = Math.min(Math.max(parsed.error.length, 1), text.length - parsed.error.offset);
    return fileFinding('AGBAC000', { detail }, { offset: parsed.error.offset, length: Math.max(length, 0) });
  }

  const unplaced = findSites(parsed.value, options);
  // Too deep for the recursive readers that place findings: refused as a whole.
  if (unplaced === undefined) return tooDeep();
  const expectations = expectationsOf(options);
  const checked = unplaced.map((site) => ({ site, findings: checkSite(site, expectations) }));
  const locator = new JsonLocator();
  for (const { site, findings: siteFindings } of checked) {
    locator.want(site.path);
    if (site.origin !== 'object') continue;
    for (const finding of siteFindings) {
      locator.want(site.path, finding.path);
      for (const related of finding.related ?? []) locator.want(site.path, related.path);
    }
  }
  locator.scan(text);
  const sites: PayloadSite[] = [];
  const findings: LocatedFinding[] = [];
  for (const { site: unplacedSite, findings: siteFindings } of checked) {
    const range = siteRange(unplacedSite, locator);
    const site: PayloadSite =
      unplacedSite.origin === 'object' ? { kind: unplacedSite.kind, path: unplacedSite.path, origin: 'object', range, payload: unplacedSite.payload } : { ...unplacedSite, range };
    sites.push(site);
    const siteNode = site.origin === 'object' ? locator.node(site.path) : undefined;
    for (const finding of siteFindings) {
      findings.push(site.origin === 'jwt' ? locateInJwt(finding, site, place) : locateInObject(finding, site, siteNode, locator, place));
    }
  }
  // Findings come mostly in text order already; sorting is needed only when they do not.
  const sorted = findings.every((finding, index) => index === 0 || (findings[index - 1] as LocatedFinding).range.offset <= finding.range.offset);
  return { sites, findings: sorted ? findings : findings.sort((a, b) => a.range.offset - b.range.offset) };
}

/**
 * Strict JSON first (fast, and it keeps no stack of its own); JSONC (comments, trailing commas)
 * when that fails, after the nesting is found bounded (jsonc-parser recurses).
 */
function parseJsonText(text: string): { value: unknown } | { error: ParseError } | { tooDeep: true } {
  try {
    return { value: /^\s*$/.test(text) ? undefined : JSON.parse(text) };
  } catch {
    if (jsonShapeProblem(text)) return { tooDeep: true };
    const errors: ParseError[] = [];
    const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
    const first = errors[0];
    return first ? { error: first } : { value };
  }
}

/** Thrown inside the walk when the value nests deeper than {@link MAX_JSON_DEPTH}; caught in findSites. */
class TooDeep extends Error {}

/** Payload objects at the root or in a root array, and JWT strings anywhere; undefined when the value nests too deep. */
function findSites(root: unknown, options: LintOptions): UnplacedSite[] | undefined {
  const kind = options.kind ?? 'auto';
  const sites: UnplacedSite[] = [];
  const addObject = (payload: unknown, path: JsonPath): void => {
    const siteKind = kind === 'auto' ? classifyPayload(payload) : kind;
    if (siteKind) sites.push({ kind: siteKind, path, origin: 'object', payload });
  };
  if (Array.isArray(root)) {
    root.forEach((item: unknown, index) => {
      if (isRecord(item) || kind !== 'auto') addObject(item, [index]);
    });
  } else if (root !== undefined && (typeof root !== 'string' || kind !== 'auto')) {
    addObject(root, []);
  }
  try {
    walkStrings(root, [], (value, path) => {
      // A string that starts like a JWT header and has a dot is linted as one, so that a damaged
      // token is reported rather than ignored.
      if (!/^eyJ\S*\.\S*$/.test(value)) return;
      const site = jwtSite(value, [...path], options);
      if (site) sites.push(site);
    });
  } catch (error) {
    if (error instanceof TooDeep) return undefined;
    throw error;
  }
  return sites;
}

/**
 * Visits every string in a JSON value; `path` is reused, so copy it to keep it. Its recursion is
 * bounded: a container deeper than {@link MAX_JSON_DEPTH} throws {@link TooDeep}.
 */
function walkStrings(value: unknown, path: (string | number)[], visit: (value: string, path: JsonPath) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (Array.isArray(value)) {
    if (path.length >= MAX_JSON_DEPTH) throw new TooDeep();
    value.forEach((item: unknown, index) => {
      path.push(index);
      walkStrings(item, path, visit);
      path.pop();
    });
  } else if (isRecord(value)) {
    if (path.length >= MAX_JSON_DEPTH) throw new TooDeep();
    for (const key of Object.keys(value)) {
      path.push(key);
      walkStrings(value[key], path, visit);
      path.pop();
    }
  }
}

/**
 * The lint result of a file that could not be read (AGBAC091), so that a run over many files
 * reports it in its place and goes on with the others.
 */
export function unreadableFile(reason: string, profile: ProfileName = 'okta-guide'): LintResult {
  const list = new FindingList(profile);
  list.add('AGBAC091', [], { reason });
  const start = { line: 0, character: 0 };
  const range: LocatedRange = { offset: 0, length: 0, start, end: start };
  return { sites: [], findings: list.items.map((finding) => ({ ...finding, documentPath: [], range, site: undefined, relatedLocations: [] })) };
}

function jwtSite(token: string, path: JsonPath, options: LintOptions): UnplacedSite | undefined {
  const parsed = parseJwt(token);
  if (!parsed.ok) {
    return { kind: options.kind === 'token' ? 'token' : 'assertion', path, origin: 'jwt', payload: undefined, jwtError: parsed.error.message };
  }
  const forced = options.kind === undefined || options.kind === 'auto' ? undefined : options.kind;
  const kind = classifyPayload(parsed.jwt.payload) ?? forced;
  return kind ? { kind, path, origin: 'jwt', payload: parsed.jwt.payload, jwt: parsed.jwt } : undefined;
}

/**
 * Guesses what a JSON value is: an access token payload (Okta's `cid`, `scp`, `ver`, `AT.` ids),
 * a client assertion payload (`act`, or at least two of the registered claims), or neither.
 */
export function classifyPayload(value: unknown): PayloadKind | undefined {
  if (!isRecord(value)) return undefined;
  if ('cid' in value || 'scp' in value || 'ver' in value || (typeof value.jti === 'string' && value.jti.startsWith('AT.'))) {
    return 'token';
  }
  const registered = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'].filter((claim) => claim in value).length;
  return 'act' in value || registered >= 2 ? 'assertion' : undefined;
}

/** The expectations of a whole document, built once (the rules cache work per expectations object). */
function expectationsOf(options: LintOptions): { assertion: AssertionExpectations; token: TokenExpectations } {
  return { assertion: { ...options.assertion, now: options.now }, token: { ...options.token, now: options.now } };
}

function checkSite(site: UnplacedSite, expect: { assertion: AssertionExpectations; token: TokenExpectations }): Finding[] {
  const list = new FindingList((site.kind === 'token' ? expect.token.profile : expect.assertion.profile) ?? 'okta-guide');
  if (site.jwtError !== undefined) {
    list.add('AGBAC090', [], { detail: site.jwtError });
    return list.items;
  }
  const findings: Finding[] = [];
  if (site.kind === 'assertion') {
    if (site.jwt) findings.push(...checkAssertionHeader(site.jwt.header, expect.assertion));
    findings.push(...checkAssertionPayload(site.payload, expect.assertion));
  } else {
    const alg = site.jwt?.header.alg;
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') list.add('AGBAC060', ['alg'], {}, { part: 'header' });
    findings.push(...list.items, ...checkTokenClaims(site.payload, expect.token));
  }
  if (site.origin === 'jwt') return findings;
  // Fixed times in a payload file go stale by nature: such rules say so more softly there.
  return findings.map((finding) => {
    const soft = ruleFor(finding.code).templateSeverity;
    return soft ? { ...finding, severity: soft } : finding;
  });
}

function siteRange(site: UnplacedSite, locator: JsonLocator): TextRange {
  const range = locator.value(site.path) ?? { offset: 0, length: 0 };
  // A JWT site is the string's content: its characters never need escaping, so the quotes are the only difference.
  return site.origin === 'jwt' ? { offset: range.offset + 1, length: Math.max(range.length - 2, 0) } : range;
}

function locateInJwt(finding: Finding, site: PayloadSite, place: (range: TextRange) => LocatedRange): LocatedFinding {
  const segment = site.jwt?.segments[finding.part];
  const range = segment ? { offset: site.range.offset + segment.start, length: segment.end - segment.start } : site.range;
  return { ...finding, documentPath: site.path, site, range: place(range), relatedLocations: [] };
}

/**
 * In an object: the value at the finding's path; for a missing member, the key of the nearest
 * object that exists on the path (or the opening brace of the payload itself).
 */
function locateInObject(
  finding: Finding,
  site: PayloadSite,
  siteNode: PathNode | undefined,
  locator: JsonLocator,
  place: (range: TextRange) => LocatedRange,
): LocatedFinding {
  const rangeOf = (path: JsonPath): TextRange => {
    let node = siteNode;
    let key: TextRange | undefined;
    // Down the path from the payload: the deepest member name met is where a missing member goes.
    for (let index = 0; node && index < path.length; index++) {
      node = locator.node([path[index] as string | number], node);
      if (node?.key && index < path.length - 1) key = node.key;
    }
    return node?.value ?? key ?? { offset: site.range.offset, length: 1 };
  };
  const related = finding.related;
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    path: finding.path,
    part: finding.part,
    params: finding.params,
    ...(related ? { related } : {}),
    documentPath: site.path.length ? [...site.path, ...finding.path] : finding.path,
    site,
    range: place(rangeOf(finding.path)),
    relatedLocations: related ? related.map((item) => ({ message: item.message, range: place(rangeOf(item.path)) })) : [],
  };
}
