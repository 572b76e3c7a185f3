/** Offsets and line/character positions in a text (0-based, UTF-16 code units, as VS Code counts). */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly offset: number;
  readonly length: number;
}

/** Maps offsets to positions in one text; build once, query many times. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    if (!text.includes('\r')) {
      // The common case, with the native search: only \n ends lines.
      for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) this.starts.push(index + 1);
      return;
    }
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 10) this.starts.push(index + 1);
      else if (code === 13) {
        if (text.charCodeAt(index + 1) === 10) index++;
        this.starts.push(index + 1);
      }
    }
  }

  positionAt(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: offset - (this.starts[low] ?? 0) };
  }

  offsetAt(position: Position): number {
    return (this.starts[position.line] ?? this.starts[this.starts.length - 1] ?? 0) + position.character;
  }
}

/** A compact JWT found in free text. */
export interface JwtOccurrence extends TextRange {
  readonly token: string;
}

const JWT_IN_TEXT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Every JWT-shaped run of characters in a text (header starting `eyJ`, three segments). */
export function findJwts(text: string): JwtOccurrence[] {
  const found: JwtOccurrence[] = [];
  for (const match of text.matchAll(JWT_IN_TEXT)) {
    const before = text.charCodeAt((match.index ?? 0) - 1);
    if (before >= 0 && /[A-Za-z0-9_.-]/.test(String.fromCharCode(before))) continue;
    found.push({ offset: match.index ?? 0, length: match[0].length, token: match[0] });
  }
  return found;
}

/**
 * Characters that must not reach a terminal, a log line or a one-line message as they are: C0 and
 * C1 controls and DEL (ESC and CSI start sequences that move the cursor or rewrite a line; CR
 * returns to its start), the line and paragraph separators, bidirectional overrides and isolates
 * (they reorder what is shown, "Trojan Source"), and lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Text with nothing to escape, told by a regular expression far cheaper than {@link UNSAFE}. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from a token, a file or a server made safe to print: every character listed above becomes
 * a visible escape (`\n`, `\u001b`, `\u202e`). With `keepNewlines`, line breaks stay (for output
 * that is several lines by design); values placed inside one line never keep them.
 */
export function escapeControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(UNSAFE, (char) => {
    if (char === '\n' && options.keepNewlines) return char;
    return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
