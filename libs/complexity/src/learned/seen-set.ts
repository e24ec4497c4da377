/**
 * A set of 32-bit keys (already well-mixed hashes) for one ask: open addressing in a table that
 * stays in L1 cache for a typical ask, cleared in O(1) by a generation stamp, grown for long asks.
 */
export class SeenSet {
  private keys = new Int32Array(1024);
  private stamps = new Int32Array(1024);
  private count = 0;
  private stamp = 1;

  clear(): void {
    this.count = 0;
    this.stamp += 1;
    if (this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }

  /** Adds `key`; false when it was already in. */
  add(key: number): boolean {
    if (this.count * 2 >= this.keys.length) this.grow();
    const keys = this.keys;
    const stamps = this.stamps;
    const stamp = this.stamp;
    const mask = keys.length - 1;
    let slot = key & mask;
    while (stamps[slot] === stamp) {
      if (keys[slot] === key) return false;
      slot = (slot + 1) & mask;
    }
    stamps[slot] = stamp;
    keys[slot] = key;
    this.count += 1;
    return true;
  }

  private grow(): void {
    const keys = this.keys;
    const stamps = this.stamps;
    const stamp = this.stamp;
    this.keys = new Int32Array(keys.length * 2);
    this.stamps = new Int32Array(keys.length * 2);
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot += 1) if (stamps[slot] === stamp) this.add(keys[slot]);
  }
}
