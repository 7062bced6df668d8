/**
 * A bounded map that keeps what was used recently, for caches read on every request: a hit on
 * a recent entry writes nothing (an LRU's reorder-on-hit would), and memory stays within about
 * `capacity` entries. Entries live in two generations; when the newer one fills up, the older
 * one is dropped whole and the newer one takes its place, and a hit in the older generation
 * moves the entry into the newer one. An entry used at least once per `capacity / 2` insertions
 * is never dropped.
 */
export class RecentCache<K, V> {
  readonly #half: number;
  #newer = new Map<K, V>();
  #older = new Map<K, V>();
  /**
   * The last entry found: most traffic repeats one key, and comparing a fresh string with it costs
   * far less than hashing it, since a key just parsed from JSON has no hash yet (docs/performance.md).
   * Values are never replaced under a key while remembered here: set() updates it.
   */
  #lastKey: K | undefined;
  #lastValue: V | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('capacity must be an integer of at least 2');
    this.#half = Math.floor(capacity / 2);
  }

  get(key: K): V | undefined {
    if (this.#lastValue !== undefined && key === this.#lastKey) return this.#lastValue;
    let found = this.#newer.get(key);
    if (found === undefined) {
      found = this.#older.get(key);
      if (found !== undefined) this.set(key, found);
    }
    if (found !== undefined) {
      this.#lastKey = key;
      this.#lastValue = found;
    }
    return found;
  }

  set(key: K, value: V): void {
    if (key === this.#lastKey) this.#lastValue = value;
    if (this.#newer.size >= this.#half) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
    this.#newer.set(key, value);
  }

  /** How many entries are held (at most the capacity, counting an entry held in both generations twice). */
  get size(): number {
    return this.#newer.size + this.#older.size;
  }
}
