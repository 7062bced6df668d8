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

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('capacity must be an integer of at least 2');
    this.#half = Math.floor(capacity / 2);
  }

  get(key: K): V | undefined {
    const recent = this.#newer.get(key);
    if (recent !== undefined) return recent;
    const older = this.#older.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  set(key: K, value: V): void {
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
