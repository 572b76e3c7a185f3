/**
 * Single use of act assertions: a store remembers each `jti` until the assertion expires. One
 * instance of the hook keeps it in memory; several instances behind a load balancer need a shared
 * store (Redis `SET key 1 NX EXAT exp`, a database row with a unique key) behind the same interface.
 */
import { HookRefusal } from './errors';

export interface ReplayStore {
  /**
   * Records `key` until `expiresAt` (seconds since the epoch). True the first time; false when
   * the key is already recorded and not expired (a replay). It must decide atomically: of two
   * concurrent calls with one key, at most one may see true.
   */
  use(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/** The default store: a map in this process, swept of expired keys as it grows. */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private sweepAt: number;

  /**
   * @param now the clock in seconds
   * @param capacity most keys held at once; past it the hook refuses rather than forget an
   *   unexpired key (forgetting would let that assertion be replayed)
   */
  constructor(
    private readonly now: () => number,
    private readonly capacity = 1_000_000,
  ) {
    this.sweepAt = Math.min(1024, capacity);
  }

  use(key: string, expiresAt: number): boolean {
    const now = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until >= now) return false;
    if (this.seen.size >= this.sweepAt) this.sweep(now);
    if (this.seen.size >= this.capacity) {
      throw new HookRefusal('unavailable', 'The hook is overloaded: too many act assertions are still valid; try again shortly.');
    }
    this.seen.set(key, expiresAt);
    return true;
  }

  /** How many keys are held (for tests and metrics). */
  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.seen) if (until < now) this.seen.delete(key);
    // Sweep again only after the map has doubled, so a full map is not swept on every call.
    this.sweepAt = Math.min(Math.max(1024, this.seen.size * 2), this.capacity);
  }
}
