import { type ManagedPolicyDefault, WHOLE_ACCOUNT } from '../kernel/changed-entity.js';

export type { ManagedPolicyDefault };

/**
 * The changes an epoch read brought: each epoch after the one the read asked from, and the entity it
 * changed; and the default version, at the read's epoch, of each managed policy among them that
 * still exists.
 */
export interface EpochRead {
  readonly epoch: string;
  readonly changes: readonly (readonly [epoch: string, changed: string])[];
  readonly policies?: readonly ManagedPolicyDefault[];
}

/** Entities remembered per account; past it the log starts again, and everything older is stale. */
const MAX_REMEMBERED = 100_000;

/**
 * Changed policies' default versions remembered per account, the most recently changed kept: each
 * holds a whole document, and one not kept only costs its set the statement that reads it.
 */
const MAX_DEFAULTS = 100;

/**
 * What this process knows of one account's changes: up to which epoch it has read the change log
 * (`applied`), from which epoch on it knows every change (`floor`), and the last epoch at which each
 * entity changed. Something cached at epoch B that depends on entities D is still current at any
 * epoch up to `applied` when B ≥ `floor` and none of D, nor the whole account, changed after B.
 * Every bump of the epoch has exactly one record, so a read whose records do not cover every epoch
 * it skipped (they were pruned, or replay bumped the epoch) is a change to everything.
 */
export class ChangeLog {
  private floor: number;
  private applied: number;
  private everything = -1;
  private readonly lastChanged = new Map<string, number>();
  /** Of each managed policy whose change a complete read brought, its default version as the latest such read had it. */
  private readonly defaults = new Map<string, ManagedPolicyDefault>();

  constructor(epoch: number) {
    this.floor = epoch;
    this.applied = epoch;
  }

  /** The epoch the next read asks for changes after. */
  get appliedEpoch(): string {
    return String(this.applied);
  }

  /** Applies a read that asked for the changes after `since` (undefined: it asked for none). */
  apply(read: EpochRead, since: string | undefined): void {
    const epoch = Number(read.epoch);
    if (epoch <= this.applied) return;
    const from = since === undefined ? epoch : Number(since);
    const complete = from <= this.applied && read.changes.length === epoch - from;
    if (!complete) {
      this.everything = epoch;
      this.defaults.clear();
    } else {
      const fromRead = new Map((read.policies ?? []).map((policy) => [`policy/${policy.id}`, policy]));
      for (const [at, changed] of read.changes) {
        const changedAt = Number(at);
        if (changed === WHOLE_ACCOUNT) this.everything = Math.max(this.everything, changedAt);
        else if ((this.lastChanged.get(changed) ?? -1) < changedAt) this.lastChanged.set(changed, changedAt);
        if (changed.startsWith('policy/')) this.rememberDefault(changed, fromRead.get(changed));
      }
    }
    this.applied = epoch;
    if (this.lastChanged.size > MAX_REMEMBERED) {
      this.lastChanged.clear();
      this.defaults.clear();
      this.floor = epoch;
      this.everything = -1;
    }
  }

  /** A changed policy's default as a read brought it; none when the read did not find it (deleted since). */
  private rememberDefault(entity: string, policy: ManagedPolicyDefault | undefined): void {
    // Deleted first, so that the map's order is the order of the last changes, oldest first.
    this.defaults.delete(entity);
    if (policy) this.defaults.set(entity, policy);
    if (this.defaults.size > MAX_DEFAULTS) this.defaults.delete(this.defaults.keys().next().value!);
  }

  /**
   * The default versions of the managed policies `entities` (`policy/ID`) at epoch `at`, or
   * `undefined` unless every one of them is known there. It does not ask whether anything else a
   * set depends on changed: `changedSince` answers that, and is asked first. A default is remembered from the read that
   * brought the policy's last change, whose snapshot is at or after that change; the policy has not
   * changed since as far as `applied`, so what was read is its default at every epoch from its
   * last change on. One that changed after `at` is not known at `at`.
   */
  policyDefaults(entities: readonly string[], at: string): ManagedPolicyDefault[] | undefined {
    if (Number(at) > this.applied) return undefined;
    const found: ManagedPolicyDefault[] = [];
    for (const entity of entities) {
      const policy = this.defaults.get(entity);
      const changedAt = this.lastChanged.get(entity);
      if (!policy || changedAt === undefined || changedAt > Number(at)) return undefined;
      found.push(policy);
    }
    return found;
  }

  /** Whether what was read at `builtAt` and depends on `dependsOn` is still what epoch `at` holds. */
  unchangedSince(builtAt: string, dependsOn: readonly string[], at: string): boolean {
    const built = Number(builtAt);
    // Read at the request's epoch or later: it holds every change the request may see.
    if (built >= Number(at)) return true;
    if (built < this.floor || Number(at) > this.applied || this.everything > built) return false;
    for (const entity of dependsOn) {
      // Every epoch after it is a change: one that depends on the whole account is stale after any.
      const changedAt = entity === WHOLE_ACCOUNT ? this.applied : (this.lastChanged.get(entity) ?? -1);
      if (changedAt > built) return false;
    }
    return true;
  }

  /**
   * Which of `dependsOn`, read at `builtAt`, changed after it, as far as epoch `at`; `undefined`
   * when that is not known (the log starts later, has not reached `at`, or the whole account changed).
   */
  changedSince(builtAt: string, dependsOn: readonly string[], at: string): string[] | undefined {
    const built = Number(builtAt);
    if (built < this.floor || Number(at) > this.applied || this.everything > built) return undefined;
    const changed: string[] = [];
    for (const entity of dependsOn) {
      if (entity === WHOLE_ACCOUNT) {
        if (this.applied > built) return undefined;
      } else if ((this.lastChanged.get(entity) ?? -1) > built) changed.push(entity);
    }
    return changed;
  }
}
