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
