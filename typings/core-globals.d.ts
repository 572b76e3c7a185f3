/**
 * The only globals src/core may use beyond ECMAScript itself: text encoding and URL parsing, which
 * are pure and exist in every JavaScript runtime. Nothing here reaches outside the process; the
 * clock, randomness and I/O come in as parameters. Seen only by tsconfig.core.json.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  toString(): string;
}
