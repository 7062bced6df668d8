import type { JSONWebKeySet } from 'jose';
import type { Clock } from '../kernel/command-context.js';
import { IdpCommunicationError } from '../kernel/iam-error.js';
import type { JsonFetcher } from './https-json-fetcher.js';

/**
 * The signing keys of OpenID Connect issuers, found as OpenID Connect Discovery 1.0 says: the
 * issuer's `/.well-known/openid-configuration` names the issuer (it must be the same string) and its
 * `jwks_uri` (https). Keys are kept per issuer for a bounded time, and fetched again sooner when a
 * token names a key id the cached set lacks (the provider rotated its keys), at most once per
 * `minRefreshMs` so that tokens with made-up key ids cannot make Warden hammer the provider. When
 * the provider cannot be reached as its keys' lifetime ends, the keys it last published are used for
 * up to `staleMs` more (an outage of the provider does not stop tokens signed with keys already
 * known); a refresh for an unknown kid that fails is an IDPCommunicationError, since the key may
 * well exist.
 */
export interface JwksSource {
  /**
   * The issuer's keys; `refresh` asks for a fresh copy (an unknown kid), which may be refused as too
   * soon; `thumbprints` are the provider's, which admit a server whose chain does not verify.
   */
  keys(issuer: string, options?: { refresh?: boolean; thumbprints?: readonly string[] }): Promise<JSONWebKeySet>;
}

export interface JwksCacheOptions {
  readonly fetcher: JsonFetcher;
  readonly clock: Clock;
  /** How long a key set is used before it is fetched again. */
  readonly ttlMs?: number;
  readonly minRefreshMs?: number;
  /** How long past its lifetime a key set is still used while the provider cannot be reached. */
  readonly staleMs?: number;
  readonly maxIssuers?: number;
}

const DISCOVERY_MAX_BYTES = 64 * 1024;
const JWKS_MAX_BYTES = 256 * 1024;

interface Entry {
  readonly keys: JSONWebKeySet;
  readonly fetchedAt: number;
}

export class JwksCache implements JwksSource {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly ttlMs: number;
  private readonly minRefreshMs: number;
  private readonly staleMs: number;
  private readonly maxIssuers: number;

  constructor(private readonly options: JwksCacheOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.minRefreshMs = options.minRefreshMs ?? 30_000;
    this.staleMs = options.staleMs ?? 60 * 60_000;
    this.maxIssuers = options.maxIssuers ?? 1000;
  }

  async keys(issuer: string, options: { refresh?: boolean; thumbprints?: readonly string[] } = {}): Promise<JSONWebKeySet> {
    const now = this.options.clock.now().getTime();
    const thumbprints = [...new Set((options.thumbprints ?? []).map((thumbprint) => thumbprint.toLowerCase()))].sort();
    // Keys fetched from a server admitted by thumbprint serve only providers with the same
    // thumbprints: another account's provider of the same issuer URL must not use them.
    const key = thumbprints.length > 0 ? `${issuer} ${thumbprints.join(',')}` : issuer;
    const cached = this.entries.get(key);
    const age = cached ? now - cached.fetchedAt : Infinity;
    if (cached && age < this.ttlMs && (!options.refresh || age < this.minRefreshMs)) return cached.keys;
    try {
      return (await this.fetchOnce(key, issuer, thumbprints)).keys;
    } catch (error) {
      if (cached && !options.refresh && age < this.ttlMs + this.staleMs && error instanceof IdpCommunicationError) return cached.keys;
      throw error;
    }
  }

  /** One fetch per issuer at a time: concurrent requests for a rotated key wait for the same answer. */
  private fetchOnce(key: string, issuer: string, thumbprints: readonly string[]): Promise<Entry> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const fetching = this.fetch(key, issuer, thumbprints).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  private async fetch(key: string, issuer: string, thumbprints: readonly string[]): Promise<Entry> {
    // OpenID Connect Discovery: the issuer with any trailing slash removed, then the well-known path.
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const discovery = await this.options.fetcher.fetchJson(discoveryUrl, DISCOVERY_MAX_BYTES, thumbprints);
    if (!isRecord(discovery)) throw new IdpCommunicationError(`The identity provider's discovery document at ${discoveryUrl} is not a JSON object.`);
    if (discovery['issuer'] !== issuer) throw new IdpCommunicationError(`The identity provider's discovery document at ${discoveryUrl} names another issuer than ${issuer}.`);
    const jwksUri = discovery['jwks_uri'];
    if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) throw new IdpCommunicationError(`The identity provider's discovery document at ${discoveryUrl} has no https jwks_uri.`);
    const jwks = await this.options.fetcher.fetchJson(jwksUri, JWKS_MAX_BYTES, thumbprints);
    if (!isRecord(jwks) || !Array.isArray(jwks['keys'])) throw new IdpCommunicationError(`The identity provider's key set at ${jwksUri} has no keys list.`);
    const entry: Entry = { keys: { keys: jwks['keys'].filter(isRecord) }, fetchedAt: this.options.clock.now().getTime() };
    this.entries.delete(key);
    if (this.entries.size >= this.maxIssuers) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
