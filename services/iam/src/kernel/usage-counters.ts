import { type Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import type { IamObserver } from './iam-observer.js';

/** How the counters are kept: off for a benchmark's baseline (WARDEN_LAST_ACCESSED=false). */
export interface UsageCounterOptions {
  readonly enabled?: boolean;
  /** How often pending usage is written. */
  readonly flushIntervalMs?: number;
  /** Keys held before a flush starts at once; as many again may wait while it runs, then new keys are dropped (and counted). */
  readonly maxKeys?: number;
}

interface Pending {
  readonly accountId: string;
  readonly principalArn: string;
  readonly action: string;
  readonly day: string;
  at: number;
  region: string;
}

const DAY_MS = 86_400_000;
const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
const DEFAULT_MAX_KEYS = 10_000;

/**
 * Access Advisor's counters: per (account, principal, action, UTC day), the latest time the principal
 * was allowed the action, held in a bounded map and written in batches, one upsert per flush that
 * keeps the later of the stored and the counted time. `record` is on every allowed check's path: it
 * only touches the map. Usage is telemetry: a failed flush loses its batch and is counted, never
 * thrown into a request.
 */
export class UsageCounters {
  readonly enabled: boolean;
  private pending = new Map<string, Pending>();
  private readonly flushIntervalMs: number;
  private readonly maxKeys: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private dayStart = 0;
  private dayName = '';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly observer: IamObserver,
    options: UsageCounterOptions = {},
  ) {
    this.enabled = options.enabled ?? true;
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /**
   * Notes that `principalArn` (a user or a role: a session's use counts for its role or its user)
   * of `accountId` was allowed `action` at `now`, from `region`.
   */
  record(accountId: string, principalArn: string, action: string, now: Date, region: string): void {
    if (!this.enabled || this.closed) return;
    const at = now.getTime();
    const day = this.dayOf(at);
    // One key per stored row: two spellings of a prefix in one batch would make the upsert touch a row twice.
    const normal = normalAction(action);
    const key = `${accountId}\n${principalArn}\n${normal}\n${day}`;
    const entry = this.pending.get(key);
    if (entry) {
      if (at >= entry.at) {
        entry.at = at;
        entry.region = region;
      }
      return;
    }
    if (this.pending.size >= this.maxKeys) {
      if (this.inFlight === undefined) void this.flush();
      else if (this.pending.size >= 2 * this.maxKeys) {
        this.observer.lastAccessedLost(1, 'full');
        return;
      }
    }
    this.pending.set(key, { accountId, principalArn, action: normal, day, at, region });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs).unref();
  }

  /** Keys counted and not written yet (for tests and the bench). */
  get pendingKeys(): number {
    return this.pending.size;
  }

  /**
   * Writes what is pending in one statement, after any flush in flight, and resolves once it is
   * written or counted lost; never rejects.
   */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const written = this.write(batch).catch(() => this.observer.lastAccessedLost(batch.length, 'flush-failed'));
    this.inFlight = written;
    try {
      await written;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Stops counting and writes what is pending: called before the database closes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * One upsert for the whole batch, in key order (so that two processes' batches lock rows in the
   * same order and cannot deadlock), as the store's owner: it carries many accounts' rows.
   */
  private async write(batch: Pending[]): Promise<void> {
    batch.sort((a, b) => compare(a.accountId, b.accountId) || compare(a.principalArn, b.principalArn) || compare(a.action, b.action) || compare(a.day, b.day));
    await sql`
      INSERT INTO action_usage AS stored (account_id, principal_arn, action, day, last_accessed_at, region)
      SELECT * FROM unnest(${batch.map((row) => row.accountId)}::text[], ${batch.map((row) => row.principalArn)}::text[], ${batch.map((row) => row.action)}::text[],
        ${batch.map((row) => row.day)}::date[], ${batch.map((row) => new Date(row.at).toISOString())}::timestamptz[], ${batch.map((row) => row.region)}::text[])
      ON CONFLICT (account_id, principal_arn, action, day) DO UPDATE SET
        last_accessed_at = GREATEST(stored.last_accessed_at, excluded.last_accessed_at),
        region = CASE WHEN excluded.last_accessed_at > stored.last_accessed_at THEN excluded.region ELSE stored.region END`.execute(this.db);
  }

  /** The UTC day of `at`, the name kept for the day in progress (one Date per day, not per check). */
  private dayOf(at: number): string {
    if (at >= this.dayStart && at < this.dayStart + DAY_MS) return this.dayName;
    const start = at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
    const name = new Date(start).toISOString().slice(0, 10);
    if (at >= this.dayStart) {
      this.dayStart = start;
      this.dayName = name;
    }
    return name;
  }
}

/** `service:Action` with the service prefix in lower case, as AWS matches prefixes case-insensitively. */
export function normalAction(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? action : action.slice(0, colon).toLowerCase() + action.slice(colon);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The Region a use came from, for LastAuthenticatedRegion: the request's aws:RequestedRegion, else
 * us-east-1, where AWS's global condition keys place requests to IAM.
 */
export function usageRegion(context: Readonly<Record<string, string | readonly string[]>> | null | undefined): string {
  const region = context?.['aws:RequestedRegion'];
  return typeof region === 'string' && region !== '' ? region : 'us-east-1';
}
