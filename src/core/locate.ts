/**
 * Finding where JSON paths are in a text without building a syntax tree: one streaming pass of
 * jsonc-parser's visitor that records only the paths asked for (and their ancestors).
 */
import { visit } from 'jsonc-parser';
import type { JsonPath } from './rules/finding';
import type { TextRange } from './text';

interface TrieNode {
  readonly children: Map<string | number, TrieNode>;
  value?: TextRange;
  key?: TextRange;
}

const newNode = (): TrieNode => ({ children: new Map() });

/** The text ranges of the values (and property keys) at a set of JSON paths. */
export class JsonLocator {
  private readonly root = newNode();

  constructor(text: string, paths: Iterable<JsonPath>) {
    for (const path of paths) {
      let node = this.root;
      for (const segment of path) {
        let child = node.children.get(segment);
        if (!child) node.children.set(segment, (child = newNode()));
        node = child;
      }
    }
    this.scan(text);
  }

  /** The range of the value at `path` (objects and arrays from bracket to bracket, strings with quotes). */
  value(path: JsonPath): TextRange | undefined {
    return this.find(path)?.value;
  }

  /** The range of the property name (with quotes) whose value is at `path`. */
  key(path: JsonPath): TextRange | undefined {
    return this.find(path)?.key;
  }

  private find(path: JsonPath): TrieNode | undefined {
    let node: TrieNode | undefined = this.root;
    for (const segment of path) node = node?.children.get(segment);
    return node;
  }

  private scan(text: string): void {
    interface Frame {
      /** The wanted node of this object or array, undefined outside the wanted paths. */
      readonly node: TrieNode | undefined;
      readonly isArray: boolean;
      readonly start: number;
      /** The next element's index (arrays). */
      index: number;
      /** The wanted node of the property being read (objects). */
      property: TrieNode | undefined;
    }
    const stack: Frame[] = [];
    const parent = (): Frame | undefined => stack[stack.length - 1];
    /** The wanted node of the value that starts now. */
    const valueNode = (): TrieNode | undefined => {
      const frame = parent();
      if (!frame) return this.root;
      return frame.isArray ? frame.node?.children.get(frame.index) : frame.property;
    };
    const valueDone = (): void => {
      const frame = parent();
      if (frame?.isArray) frame.index++;
    };
    const open = (offset: number, isArray: boolean): void => {
      stack.push({ node: valueNode(), isArray, start: offset, index: 0, property: undefined });
    };
    const close = (offset: number, length: number): void => {
      const frame = stack.pop();
      if (frame?.node) frame.node.value = { offset: frame.start, length: offset + length - frame.start };
      valueDone();
    };

    visit(
      text,
      {
        onObjectBegin: (offset) => open(offset, false),
        onObjectEnd: close,
        onArrayBegin: (offset) => open(offset, true),
        onArrayEnd: close,
        onObjectProperty: (name, offset, length) => {
          const frame = parent();
          if (!frame) return;
          frame.property = frame.node?.children.get(name);
          if (frame.property) frame.property.key = { offset, length };
        },
        onLiteralValue: (_value, offset, length) => {
          const node = valueNode();
          if (node) node.value = { offset, length };
          valueDone();
        },
      },
      { allowTrailingComma: true, disallowComments: false },
    );
  }
}
