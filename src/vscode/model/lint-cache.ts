/**
 * The last lint of each open document, by version: diagnostics lint a document when it changes,
 * and hovers and code actions on the same version reuse that result instead of linting the whole
 * document again for every request. A result is reused only for the same version and the same
 * lint options, and only while it is recent, because findings about times depend on the clock.
 */
export class LintCache<Result> {
  private readonly entries = new Map<string, { readonly version: number; readonly options: string; readonly at: number; readonly result: Result }>();

  /** @param maxAgeSeconds how long a result stays current for time-dependent findings */
  constructor(private readonly maxAgeSeconds = 30) {}

  /** The result for this document version and options, computed by `lint` unless a current one is kept. */
  get(document: string, version: number, options: string, now: number, lint: () => Result): Result {
    const kept = this.entries.get(document);
    if (kept && kept.version === version && kept.options === options && now - kept.at < this.maxAgeSeconds && now >= kept.at) return kept.result;
    const result = lint();
    this.entries.set(document, { version, options, at: now, result });
    return result;
  }

  /** Forgets a closed document. */
  forget(document: string): void {
    this.entries.delete(document);
  }

  get size(): number {
    return this.entries.size;
  }
}
