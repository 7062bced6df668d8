import { createHmac, hash } from 'node:crypto';

/** Derives the SigV4 signing key: HMAC chain over date, region, service and `aws4_request`. */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/**
 * A bounded least-recently-used cache of derived signing keys, keyed by
 * (secret, date, region, service). The secret itself is not used as a map
 * key: a SHA-256 fingerprint of it is.
 *
 * In front of it, the last key derived for each key-material object, held
 * weakly: a key store that hands out the same object for an access key (as
 * Warden's credential cache does) then costs no hashing at all per request.
 */
export class SigningKeyCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Buffer>();
  readonly #byMaterial = new WeakMap<object, { readonly secret: string; readonly date: string; readonly region: string; readonly service: string; readonly key: Buffer }>();

  constructor(maxEntries = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the signing key for this key material, deriving and caching it on a miss. */
  get(material: { readonly secretAccessKey: string }, date: string, region: string, service: string): Buffer {
    const secretAccessKey = material.secretAccessKey;
    const remembered = this.#byMaterial.get(material);
    // The secret is compared too, so an object whose secret was replaced is not answered wrongly.
    if (remembered !== undefined && remembered.date === date && remembered.region === region && remembered.service === service && remembered.secret === secretAccessKey) return remembered.key;
    const key = this.#byFingerprint(secretAccessKey, date, region, service);
    this.#byMaterial.set(material, { secret: secretAccessKey, date, region, service, key });
    return key;
  }

  #byFingerprint(secretAccessKey: string, date: string, region: string, service: string): Buffer {
    const fingerprint = hash('sha256', secretAccessKey, 'base64');
    const cacheKey = `${fingerprint}\n${date}\n${region}\n${service}`;
    const cached = this.#entries.get(cacheKey);
    if (cached !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#entries.delete(cacheKey);
      this.#entries.set(cacheKey, cached);
      return cached;
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    this.#entries.set(cacheKey, key);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    return key;
  }

  clear(): void {
    this.#entries.clear();
  }
}
