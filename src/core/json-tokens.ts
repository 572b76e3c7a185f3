/**
 * The token kinds of jsonc-parser's scanner that the core's scans follow. `SyntaxKind` is a const
 * enum, which isolated modules cannot inline, so its values are named here once.
 */
import type { SyntaxKind } from 'jsonc-parser';

export const TOKEN = {
  openBrace: 1 as SyntaxKind,
  closeBrace: 2 as SyntaxKind,
  openBracket: 3 as SyntaxKind,
  closeBracket: 4 as SyntaxKind,
  comma: 5 as SyntaxKind,
  colon: 6 as SyntaxKind,
  string: 10 as SyntaxKind,
  eof: 17 as SyntaxKind,
} as const;
