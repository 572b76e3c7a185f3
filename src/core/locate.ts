/**
 * Finding where JSON paths are in a text without building a syntax tree: one pass of
 * jsonc-parser's scanner (tokens only, no callbacks) that records the places of the paths asked
 * for, and of their ancestors, in a trie. The text has been parsed already, so the pass only
 * follows structure; a text the parser refused is never located.
 */
import { createScanner } from 'jsonc-parser';
import { TOKEN } from './json-tokens';
import type { JsonPath } from './rules/finding';
import type { TextRange } from './text';

/** A place in the trie of wanted paths; `value` and `key` are filled by the scan. */
export interface PathNode {
  readonly children: Map<string | number, PathNode>;
  /** The value's range: objects and arrays bracket to bracket, strings with their quotes. */
  value?: TextRange;
  /** The property name's range (with quotes) when the value is an object member. */
  key?: TextRange;
}


const newNode = (): PathNode => ({ children: new Map() });

/** One open object or array during the scan. */
interface Frame {
  /** The wanted node of this container; undefined outside the wanted paths. */
  readonly node: PathNode | undefined;
  readonly isArray: boolean;
  readonly start: number;
  /** The next element's index (arrays). */
  index: number;
  /** The wanted node of the member being read (objects). */
  member: PathNode | undefined;
  /** True between a member's name and its colon (objects). */
  inName: boolean;
}

/** The text ranges of the values (and property keys) at a set of JSON paths. */
export class JsonLocator {
  private readonly root = newNode();
  private scanned = false;

  /** Asks for the place of `base` followed by `path` (two parts, so callers need not join them). */
  want(base: JsonPath, path: JsonPath = []): void {
    let node = this.root;
    for (const segment of base) node = this.child(node, segment);
    for (const segment of path) node = this.child(node, segment);
  }

  /** The node of a path asked for (after `scan`); undefined for a path not asked for or not present. */
  node(path: JsonPath, from: PathNode = this.root): PathNode | undefined {
    let node: PathNode | undefined = from;
    for (const segment of path) {
      node = node.children.get(segment);
      if (!node) return undefined;
    }
    return node;
  }

  /** The range of the value at `path` (objects and arrays from bracket to bracket, strings with quotes). */
  value(path: JsonPath): TextRange | undefined {
    return this.node(path)?.value;
  }

  /** The range of the property name (with quotes) whose value is at `path`. */
  key(path: JsonPath): TextRange | undefined {
    return this.node(path)?.key;
  }

  /** Finds every wanted path in `text` (once). */
  scan(text: string): this {
    if (this.scanned) return this;
    this.scanned = true;
    // Trivia and comments are skipped by the scanner itself.
    const scanner = createScanner(text, true);
    const stack: Frame[] = [];
    let top: Frame | undefined;
    /** The wanted node of the value that starts now. */
    const valueNode = (): PathNode | undefined => (top ? (top.isArray ? top.node?.children.get(top.index) : top.member) : this.root);
    for (let token = scanner.scan(); token !== TOKEN.eof; token = scanner.scan()) {
      switch (token) {
        case TOKEN.openBrace:
        case TOKEN.openBracket:
          top = { node: valueNode(), isArray: token === TOKEN.openBracket, start: scanner.getTokenOffset(), index: 0, member: undefined, inName: token === TOKEN.openBrace };
          stack.push(top);
          break;
        case TOKEN.closeBrace:
        case TOKEN.closeBracket: {
          const closed = stack.pop();
          if (closed?.node) closed.node.value = { offset: closed.start, length: scanner.getTokenOffset() + 1 - closed.start };
          top = stack[stack.length - 1];
          break;
        }
        case TOKEN.comma:
          if (top?.isArray) top.index++;
          else if (top) top.inName = true;
          break;
        case TOKEN.colon:
          if (top) top.inName = false;
          break;
        default:
          if (top && !top.isArray && top.inName) {
            // A member's name: its node, if wanted, gets the key's range.
            top.member = top.node?.children.get(scanner.getTokenValue());
            if (top.member) top.member.key = { offset: scanner.getTokenOffset(), length: scanner.getTokenLength() };
          } else {
            const node = valueNode();
            if (node) node.value = { offset: scanner.getTokenOffset(), length: scanner.getTokenLength() };
          }
      }
    }
    return this;
  }

  private child(node: PathNode, segment: string | number): PathNode {
    let child = node.children.get(segment);
    if (!child) node.children.set(segment, (child = newNode()));
    return child;
  }
}
