/**
 * A set whose members expire: membership is a map lookup, and expired members leave through a
 * min-heap ordered by expiry, so each check costs O(log n) at worst however many are stored
 * (a scan of every member made the sandbox's single-use jti check slower with every request).
 */
export class ExpiringSet {
  private readonly until = new Map<string, number>();
  /** [expiry, member] pairs, the earliest expiry on top. */
  private readonly heap: [number, string][] = [];

  get size(): number {
    return this.until.size;
  }

  /** Adds `member` until `expiry`; false when it is already here (and not expired). */
  add(member: string, expiry: number): boolean {
    if (this.until.has(member)) return false;
    this.until.set(member, expiry);
    this.push([expiry, member]);
    return true;
  }

  has(member: string): boolean {
    return this.until.has(member);
  }

  /** Removes every member whose expiry is before `now`. */
  forgetUntil(now: number): void {
    for (let top = this.heap[0]; top && top[0] < now; top = this.heap[0]) {
      this.pop();
      if (this.until.get(top[1]) === top[0]) this.until.delete(top[1]);
    }
  }

  private push(entry: [number, string]): void {
    const heap = this.heap;
    heap.push(entry);
    for (let index = heap.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as [number, string])[0] <= entry[0]) break;
      heap[index] = heap[parent] as [number, string];
      heap[parent] = entry;
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    for (let index = 0; ; ) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && (heap[left] as [number, string])[0] < (heap[smallest] as [number, string])[0]) smallest = left;
      if (right < heap.length && (heap[right] as [number, string])[0] < (heap[smallest] as [number, string])[0]) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest] as [number, string], heap[index] as [number, string]];
      index = smallest;
    }
  }
}
