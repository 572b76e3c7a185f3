/**
 * Linting a document: find the assertion and token payloads in a JSON text (a payload object, an
 * array of them, JWT strings anywhere), check each, and place every finding on a range of the text.
 */
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { type DecodedJwt, looksLikeJwt, parseJwt } from './jwt';
import { type AssertionExpectations, checkAssertionHeader, checkAssertionPayload } from './rules/assertion';
import { ruleFor } from './rules/catalogue';
import { type Finding, FindingList, isRecord, type JsonPath, type JsonRecord } from './rules/finding';
import { checkTokenClaims, type TokenExpectations } from './rules/token';
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
  /** The object, or the JWT string's characters (without quotes). */
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

/**
 * Lints a JSON (or JSONC) text, or a text that is one compact JWT.
 *
 * @example
 * const { findings } = lintDocument(text, { now, assertion: { clientId: '0oa…', tokenEndpoint } });
 * for (const f of findings) console.log(f.range.start.line + 1, f.code, f.message);
 */
export function lintDocument(text: string, options: LintOptions): LintResult {
  const lines = new LineIndex(text);
  const locate = (range: TextRange): LocatedRange => ({
    ...range,
    start: lines.positionAt(range.offset),
    end: lines.positionAt(range.offset + range.length),
  });

  const trimmed = text.trim();
  if (looksLikeJwt(trimmed)) {
    const offset = text.indexOf(trimmed);
    const site = jwtSite(trimmed, [], { offset, length: trimmed.length }, options);
    return site ? { sites: [site], findings: checkSite(site, options, undefined, locate) } : { sites: [], findings: [] };
  }

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const syntax = errors[0];
  if (syntax) {
    const findings = new FindingList(options.assertion?.profile ?? 'okta-guide');
    findings.add('AGBAC000', [], { detail: describeSyntaxError(syntax, lines) });
    const [finding] = findings.items;
    const range = locate({ offset: syntax.offset, length: Math.max(syntax.length, 1) });
    return { sites: [], findings: finding ? [{ ...finding, documentPath: [], range, site: undefined, relatedLocations: [] }] : [] };
  }
  if (!root) return { sites: [], findings: [] };

  const sites = findSites(root, options);
  const findings = sites.flatMap((site) => checkSite(site, options, root, locate));
  return { sites, findings: findings.sort((a, b) => a.range.offset - b.range.offset) };
}

function describeSyntaxError(error: ParseError, lines: LineIndex): string {
  const at = lines.positionAt(error.offset);
  return `${printParseErrorCode(error.error)} at line ${at.line + 1}, column ${at.character + 1}`;
}

/** Payload objects at the root or in a root array, and JWT strings anywhere. */
function findSites(root: Node, options: LintOptions): PayloadSite[] {
  const kind = options.kind ?? 'auto';
  const sites: PayloadSite[] = [];
  const addObject = (node: Node, path: JsonPath): void => {
    const payload = nodeValue(node);
    const siteKind = kind === 'auto' ? classifyPayload(payload) : kind;
    if (siteKind) sites.push({ kind: siteKind, path, origin: 'object', range: { offset: node.offset, length: node.length }, payload });
  };
  if (root.type === 'array') {
    root.children?.forEach((child, index) => {
      if (child.type === 'object' || kind !== 'auto') addObject(child, [index]);
    });
  } else if (root.type !== 'string' || kind !== 'auto') {
    addObject(root, []);
  }
  walkStrings(root, [], (node, path) => {
    const value = node.value as string;
    // A string that starts like a JWT header and has a dot is linted as one, so that a damaged
    // token is reported rather than ignored.
    if (!/^eyJ\S*\.\S*$/.test(value)) return;
    // The characters of a JWT never need escaping, so the string's content is the token verbatim.
    const site = jwtSite(value, path, { offset: node.offset + 1, length: value.length }, options);
    if (site) sites.push(site);
  });
  return sites;
}

function walkStrings(node: Node, path: JsonPath, visit: (node: Node, path: JsonPath) => void): void {
  if (node.type === 'string') visit(node, path);
  if (node.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key && value) walkStrings(value, [...path, key.value as string], visit);
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, index) => walkStrings(child, [...path, index], visit));
  }
}

function jwtSite(token: string, path: JsonPath, range: TextRange, options: LintOptions): PayloadSite | undefined {
  const parsed = parseJwt(token);
  if (!parsed.ok) {
    const kind = options.kind === 'token' ? 'token' : 'assertion';
    return { kind, path, origin: 'jwt', range, payload: undefined, jwtError: parsed.error.message };
  }
  const kind = classifyPayload(parsed.jwt.payload) ?? (options.kind === 'auto' || !options.kind ? undefined : options.kind);
  return kind ? { kind, path, origin: 'jwt', range, payload: parsed.jwt.payload, jwt: parsed.jwt } : undefined;
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

function checkSite(
  site: PayloadSite,
  options: LintOptions,
  root: Node | undefined,
  locate: (range: TextRange) => LocatedRange,
): LocatedFinding[] {
  const findings: Finding[] = [];
  if (site.jwtError !== undefined) {
    const list = new FindingList(options.assertion?.profile ?? 'okta-guide');
    list.add('AGBAC090', [], { detail: site.jwtError });
    findings.push(...list.items);
  } else if (site.kind === 'assertion') {
    const expect = { ...options.assertion, now: options.now };
    if (site.jwt) findings.push(...checkAssertionHeader(site.jwt.header, expect));
    findings.push(...checkAssertionPayload(site.payload, expect));
  } else {
    const expect = { ...options.token, now: options.now };
    if (site.jwt && typeof site.jwt.header.alg === 'string' && site.jwt.header.alg.toLowerCase() === 'none') {
      const list = new FindingList(expect.profile ?? 'okta-guide');
      list.add('AGBAC060', ['alg'], {}, { part: 'header' });
      findings.push(...list.items);
    }
    findings.push(...checkTokenClaims(site.payload, expect));
  }
  return findings.map((finding) => ({
    ...finding,
    severity: site.origin === 'object' ? (ruleFor(finding.code).templateSeverity ?? finding.severity) : finding.severity,
    documentPath: site.origin === 'object' ? [...site.path, ...finding.path] : site.path,
    site,
    range: locate(rangeOf(site, finding.path, finding.part, root)),
    relatedLocations: (finding.related ?? []).map((related) => ({
      message: related.message,
      range: locate(rangeOf(site, related.path, 'payload', root)),
    })),
  }));
}

/**
 * The text range a finding path points at. In a JWT string: the header or payload segment. In an
 * object: the value at the path; for a missing member, the key of the object that should hold it
 * (or the opening brace of the payload itself).
 */
function rangeOf(site: PayloadSite, path: JsonPath, part: 'header' | 'payload', root: Node | undefined): TextRange {
  if (site.origin === 'jwt') {
    const segment = site.jwt?.segments[part];
    return segment ? { offset: site.range.offset + segment.start, length: segment.end - segment.start } : site.range;
  }
  const siteNode = root ? findNodeAtLocation(root, [...site.path]) : undefined;
  if (!siteNode) return { offset: site.range.offset, length: 1 };
  const found = findNodeAtLocation(siteNode, [...path]);
  if (found) return { offset: found.offset, length: found.length };
  let node = siteNode;
  for (const segment of path) {
    const child = findNodeAtLocation(node, [segment]);
    if (!child) break;
    node = child;
  }
  // A member is missing inside a nested object: point at that object's key.
  const key = node !== siteNode && node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  return key ? { offset: key.offset, length: key.length } : { offset: node.offset, length: 1 };
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const value: JsonRecord = {};
      for (const property of node.children ?? []) {
        const [key, child] = property.children ?? [];
        if (key && child) value[key.value as string] = nodeValue(child);
      }
      return value;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}
