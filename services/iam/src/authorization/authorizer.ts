import type { Database } from '@warden/db';
import { type CompiledPolicy, compilePolicySet, evaluate, PolicySet } from '@warden/policy';
import type { Kysely } from 'kysely';
import type { Caller, CallerSession } from '../kernel/command-context.js';
import type { SecretCipher } from '../keyring/live-keyring.js';
import type { EntityChanges } from '../kernel/changed-entity.js';
import { sessionPrincipalContext } from './session-principal.js';
import { accessDenied } from './authorization-message.js';
import { CompiledPolicyCache, type StoredPolicy } from './compiled-policy-cache.js';
import { loadChangedPolicies, loadPrincipalPolicies, type PrincipalPolicies, type PrincipalRecord, sessionPolicy, withChangedPolicies } from './principal-policy-loader.js';
import { callerRequestContext, type ContextEntries } from './request-context-builder.js';
import type { IamObserver } from '../kernel/iam-observer.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { type UsageCounters, usageRegion } from '../kernel/usage-counters.js';

/**
 * Decides whether a principal may perform an action on a resource, with its real policies. Compiled
 * policy sets are cached per (account, principal) with the epoch they were read at (`epoch`, in the
 * same snapshot as the policies) and the entities they were read from (`dependsOn`). An entry
 * answers a request at a later epoch only while none of those entities has changed since
 * (`AccountEpochs.unchangedSince`, from the change log read with every epoch), so a committed change
 * is seen by the very next request, on any replica, a change to another principal leaves the entry
 * as it is, and no two accounts ever share an entry. The policies themselves are compiled once per
 * version (`CompiledPolicyCache`), shared by every principal that uses them.
 */
export interface CompiledPrincipal {
  /** The account's change epoch the policies were read at. */
  readonly epoch: string;
  readonly dependsOn: readonly string[];
  readonly principal: PrincipalRecord;
  readonly policySet: PolicySet;
  /** Condition keys that describe the principal (aws:username, aws:PrincipalTag/…). */
  readonly principalContext: Readonly<Record<string, string>>;
}

/** An entry and the last epoch it was found current at, so that a request at that epoch checks nothing. */
interface Cached {
  readonly compiled: CompiledPrincipal;
  currentAt: string;
}

const MAX_CACHED = 10_000;

/** What a compiled principal was built from, kept so that a change to some of its policies reloads only those. */
interface Source {
  readonly policies: PrincipalPolicies;
  readonly sessionPolicies: readonly StoredPolicy[];
}

/** The deny-everything sets that stand in for a set with a policy that does not compile: never reused in part. */
const STAND_INS = new WeakSet<PolicySet>();

export class Authorizer {
  private readonly cache = new Map<string, Cached>();
  /** The same compiled principals by account and ARN (at one epoch an ARN names one principal). */
  private readonly byArn = new Map<string, Cached>();
  /** Loads in flight by cache key: concurrent misses for one principal share one read and one compile. */
  private readonly loading = new Map<string, Promise<CompiledPrincipal>>();
  /** What each compiled principal was built from (see `load`). */
  private readonly sources = new WeakMap<CompiledPrincipal, Source>();
  readonly policies: CompiledPolicyCache;
  /** Loads that read only the policies that changed (`load`), counted for tests. */
  partialLoads = 0;
  /** Of those, the ones that took the changed policies from the change log, with no statement. */
  partialLoadsFromLog = 0;

  constructor(
    private readonly partition: string,
    private readonly keyring: SecretCipher,
    private readonly observer: IamObserver,
    private readonly epochs: EntityChanges,
    /** Told of every allow of a caller's own request (Access Advisor's last accessed). */
    private readonly usage?: UsageCounters,
  ) {
    this.policies = new CompiledPolicyCache(observer);
  }

  /** A compiled principal still current at `epoch`, found by ARN, without touching the database. */
  cachedByArn(accountId: string, arn: string, epoch: string): CompiledPrincipal | undefined {
    return this.currentIn(this.byArn, `${accountId}|${arn}`, epoch);
  }

  /** A compiled principal still current at `epoch`, found by type and id. */
  cachedById(accountId: string, type: 'user' | 'role', id: string, epoch: string): CompiledPrincipal | undefined {
    return this.currentIn(this.cache, `${accountId}|${type}|${id}`, epoch);
  }

  cachedSession(accountId: string, sessionId: string, epoch: string): CompiledPrincipal | undefined {
    return this.currentIn(this.cache, `${accountId}|session|${sessionId}`, epoch);
  }

  /**
   * The compiled policies of the user or role `owner` names, current at `epoch` (the caller's
   * authenticated epoch, or one read in `db`), read in `db` when the cache has none: the principal's
   * row comes with its policies, in the same snapshot. A principal that no longer exists is a
   * NoSuchEntityError.
   */
  compiledPrincipal(db: Kysely<Database>, owner: PrincipalOwner, epoch: string | undefined): Promise<CompiledPrincipal> {
    const byId = 'id' in owner;
    const key = byId ? `${owner.accountId}|${owner.type}|${owner.id}` : `${owner.accountId}|${owner.arn}`;
    const cached = epoch === undefined ? undefined : this.currentIn(byId ? this.cache : this.byArn, key, epoch);
    if (cached) return Promise.resolve(cached);
    return this.sharedLoad(byId ? key : `${owner.accountId}|arn|${owner.arn}`, epoch, async () => {
      const stale = epoch === undefined ? undefined : (byId ? this.cache : this.byArn).get(key)?.compiled;
      const { policies, policySet, sessionPolicies } = await this.load(db, owner, stale, epoch, () => []);
      const principal = existing(owner, policies);
      const entry = this.remember(`${owner.accountId}|${principal.type}|${principal.id}`, principal, policies, policySet, principalContext(principal), sessionPolicies);
      if (this.byArn.size >= MAX_CACHED) this.byArn.delete(this.byArn.keys().next().value!);
      this.byArn.set(`${owner.accountId}|${principal.arn}`, { compiled: entry, currentAt: entry.epoch });
      return entry;
    });
  }

  /**
   * A session's compiled policies: its base principal's (the role, or the federating user), with
   * the session policies intersecting them. Cached per session; the session policies never change,
   * so it depends on what its base principal's set depends on.
   */
  compiledSession(db: Kysely<Database>, base: PrincipalOwner, session: CallerSession, sessionArn: string, epoch: string | undefined): Promise<CompiledPrincipal> {
    const key = `${base.accountId}|session|${session.sessionId}`;
    const cached = epoch === undefined ? undefined : this.currentIn(this.cache, key, epoch);
    if (cached) return Promise.resolve(cached);
    return this.sharedLoad(key, epoch, async () => {
      const stale = epoch === undefined ? undefined : this.cache.get(key)?.compiled;
      const { policies, policySet, sessionPolicies } = await this.load(db, base, stale, epoch, () =>
        session.sessionPolicies.map((policy) => ({ ...sessionPolicy(policy), hash: policy.hash, version: `session/${session.sessionId}` })),
      );
      const principal = existing(base, policies);
      return this.remember(key, principal, policies, policySet, sessionPrincipalContext(principal, session, sessionArn), sessionPolicies);
    });
  }

  /**
   * Reads what a principal's set is built from and builds it. When `stale`, the entry this load
   * replaces, is out of date at `epoch` only because managed policies it holds changed (the change
   * log says so), only those are replaced and the rest of the set is kept, compiled as it was: from
   * the default versions the epoch reads brought with the changes, when the log holds them at
   * `epoch` (no statement), or else read (`loadChangedPolicies`, which checks it again in the store's
   * own snapshot). Otherwise, or when that read finds more changed, the whole set is read
   * (`loadPrincipalPolicies`).
   */
  private async load(
    db: Kysely<Database>,
    owner: PrincipalOwner,
    stale: CompiledPrincipal | undefined,
    epoch: string | undefined,
    sessionPolicies: () => StoredPolicy[],
  ): Promise<{ policies: PrincipalPolicies; policySet: PolicySet; sessionPolicies: readonly StoredPolicy[] }> {
    const previous = stale && this.sources.get(stale);
    if (stale && previous && epoch !== undefined) {
      const changed = this.epochs.changedSince?.(owner.accountId, stale.epoch, stale.dependsOn, epoch);
      if (changed && changed.length > 0 && changed.every((entity) => entity.startsWith('policy/'))) {
        // The change log brought the changed policies' defaults with the epoch: no statement then.
        const known = this.epochs.policyDefaults?.(owner.accountId, changed, epoch);
        const policies = known ? withChangedPolicies(previous.policies, changed, known, epoch) : await loadChangedPolicies(db, owner.accountId, previous.policies);
        if (policies) {
          this.partialLoads++;
          if (known) this.partialLoadsFromLog++;
          return { policies, policySet: this.policySet(owner.accountId, policies, previous.sessionPolicies, { ...previous, policySet: stale.policySet }), sessionPolicies: previous.sessionPolicies };
        }
      }
    }
    const policies = await loadPrincipalPolicies(db, owner);
    const session = sessionPolicies();
    return { policies, policySet: this.policySet(owner.accountId, policies, session), sessionPolicies: session };
  }

  /**
   * A role's trust policy, compiled once per text (kept by the role and the text's hash), or
   * `undefined` when the stored text does not compile; a StoredDocumentMismatchError when the text
   * is not the one validated.
   */
  trustPolicy(accountId: string, role: TrustPolicyHolder, roleArn: string): CompiledPolicy | undefined {
    return this.policies.get(accountId, { name: `${roleArn} trust policy`, document: role.trust_policy, hash: role.trust_policy_hash, version: `role/${role.role_id}` }, 'trust');
  }

  /**
   * The policy set of stored policies, each compiled once per version; numbered as a decision
   * reports them (a shared compiled policy is numbered 0). A stored policy that no longer compiles
   * makes the set deny everything rather than decide on a part of it. With `previous` (the set
   * built from other versions of the same places), a policy that is the very one read before keeps
   * its compiled, numbered form: it was checked against its hash when it was read, and is not read
   * again.
   */
  policySet(
    accountId: string,
    policies: Pick<PrincipalPolicies, 'identityPolicies' | 'permissionBoundary'>,
    sessionPolicies: readonly StoredPolicy[],
    previous?: Source & { readonly policySet: PolicySet },
  ): PolicySet {
    const kept = previous && !STAND_INS.has(previous.policySet) && previous.policies.identityPolicies.length === policies.identityPolicies.length ? previous : undefined;
    const identity = policies.identityPolicies.map((policy, index) =>
      kept?.policies.identityPolicies[index] === policy ? kept.policySet.identityPolicies[index] : this.policies.get(accountId, policy, 'identity'),
    );
    const boundary = policies.permissionBoundary
      ? kept?.policies.permissionBoundary === policies.permissionBoundary
        ? kept.policySet.permissionBoundary
        : this.policies.get(accountId, policies.permissionBoundary, 'boundary')
      : undefined;
    const session: readonly (CompiledPolicy | undefined)[] =
      kept?.sessionPolicies === sessionPolicies ? kept.policySet.sessionPolicies : sessionPolicies.map((policy) => this.policies.get(accountId, policy, 'session'));
    if (identity.includes(undefined) || session.includes(undefined) || (policies.permissionBoundary && !boundary)) return emptyDenyAll();
    return new PolicySet(
      (identity as CompiledPolicy[]).map((policy, index) => (kept?.policies.identityPolicies[index] === policies.identityPolicies[index] ? policy : numbered(policy, index))),
      boundary,
      kept?.sessionPolicies === sessionPolicies ? (session as CompiledPolicy[]) : (session as CompiledPolicy[]).map(numbered),
    );
  }

  private currentIn(map: Map<string, Cached>, key: string, epoch: string): CompiledPrincipal | undefined {
    const cached = map.get(key);
    if (!cached) return undefined;
    if (cached.currentAt !== epoch) {
      const compiled = cached.compiled;
      if (!this.epochs.unchangedSince(compiled.principal.accountId, compiled.epoch, compiled.dependsOn, epoch)) return undefined;
      cached.currentAt = epoch;
    }
    return this.hit(cached.compiled);
  }

  /**
   * One load per key at a time: a miss that finds a load in flight waits for it and takes its
   * answer when that is current at its own epoch (the load may have read before a change the
   * waiting request must see; then it loads again). A failed load is not kept.
   */
  private async sharedLoad(key: string, epoch: string | undefined, load: () => Promise<CompiledPrincipal>): Promise<CompiledPrincipal> {
    const inFlight = this.loading.get(key);
    if (inFlight) {
      const shared = await inFlight.catch(() => undefined);
      if (shared && epoch !== undefined && this.epochs.unchangedSince(shared.principal.accountId, shared.epoch, shared.dependsOn, epoch)) return this.hit(shared);
    }
    const started = load().finally(() => {
      if (this.loading.get(key) === started) this.loading.delete(key);
    });
    this.loading.set(key, started);
    return started;
  }

  /**
   * Hits are counted where a lookup finds a current entry, misses where one is compiled (remember):
   * a lookup that misses and is then answered another way (the slow path's own lookup) is not a
   * second miss.
   */
  private hit(compiled: CompiledPrincipal): CompiledPrincipal {
    this.observer.cache('compiled-principals', 'hit');
    return compiled;
  }

  private remember(
    key: string,
    principal: PrincipalRecord,
    policies: PrincipalPolicies,
    policySet: PolicySet,
    context: Record<string, string>,
    sessionPolicies: readonly StoredPolicy[],
  ): CompiledPrincipal {
    const entry: CompiledPrincipal = { epoch: policies.epoch, dependsOn: policies.dependsOn, principal, policySet, principalContext: context };
    this.sources.set(entry, { policies, sessionPolicies });
    this.observer.cache('compiled-principals', 'miss');
    const existing = this.cache.get(key);
    // A load that read an older snapshot than the entry already kept does not replace it.
    if (existing && Number(existing.compiled.epoch) > Number(entry.epoch)) return entry;
    if (!existing && this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { compiled: entry, currentAt: entry.epoch });
    return entry;
  }

  /**
   * The caller's permission for its own request, decided with `compiled` (the caller's policy set,
   * as `IamCore.compiledCaller` chooses it): returns when allowed, else throws the AccessDeniedError
   * with the encoded decision. Every check of a caller, from the cache or not, ends here.
   * `accountGrant`: the account itself grants the action, so an implicit deny is enough (see
   * `IamCore.authorize`).
   */
  check(compiled: CompiledPrincipal, caller: Caller, action: string, resource: string, now: Date, operationContext: ContextEntries = {}, accountGrant = false): void {
    const context = callerRequestContext(compiled, caller, operationContext);
    const result = evaluate(compiled.policySet, { principal: caller.arn, action, resource, context }, { now });
    if (result.decision === 'allow' || (accountGrant && result.decision !== 'explicit_deny')) {
      // A session's use counts for its role (or its user): the compiled principal is that role or user.
      if (this.usage?.enabled) this.usage.record(caller.accountId, compiled.principal.arn, action, now, usageRegion(caller.requestContext));
      return;
    }
    throw accessDenied(this.keyring, caller.accountId, { principal: caller.arn, action, resource }, result, context, now, false, compiled.principal.arn);
  }

  get partitionName(): string {
    return this.partition;
  }
}

/** A role's row as far as its trust policy goes. */
export interface TrustPolicyHolder {
  readonly role_id: string;
  readonly trust_policy: string;
  readonly trust_policy_hash: string;
}

/** Whose compiled policies to find: a user or a role of an account, by id or by ARN. */
export type PrincipalOwner = { readonly accountId: string; readonly type: 'user' | 'role' } & ({ readonly id: string } | { readonly arn: string });

function existing(owner: PrincipalOwner, policies: PrincipalPolicies): PrincipalRecord {
  if (policies.principal) return policies.principal;
  throw new NoSuchEntityError(
    'id' in owner ? `The ${owner.type} ${owner.id} no longer exists in account ${owner.accountId}.` : `No user or role with ARN ${owner.arn} exists in account ${owner.accountId}.`,
  );
}

/** A shared compiled policy numbered as the `index`th of its kind in one principal's set. */
function numbered(policy: CompiledPolicy, index: number): CompiledPolicy {
  if (index === 0) return policy;
  return { ...policy, statements: policy.statements.map((statement) => ({ ...statement, matched: { ...statement.matched, policyIndex: index } })) };
}

/**
 * A principal with its compiled policy set and context keys, as every decision about it uses them
 * (a point-in-time fold builds its own with it). Stored policies were validated when
 * written; if one no longer compiles, deny rather than guess.
 */
export function compiledPrincipalOf(epoch: string, principal: PrincipalRecord, compiled: ReturnType<typeof compilePolicySet>, context: Record<string, string>): CompiledPrincipal {
  return { epoch, dependsOn: [], principal, policySet: compiled.ok ? compiled.policySet : emptyDenyAll(), principalContext: context };
}

function emptyDenyAll(): PolicySet {
  const compiled = compilePolicySet({ identityPolicies: [] });
  if (!compiled.ok) throw new Error('an empty policy set always compiles');
  STAND_INS.add(compiled.policySet);
  return compiled.policySet;
}

export function principalContext(principal: PrincipalRecord): Record<string, string> {
  const context: Record<string, string> = {
    'aws:PrincipalArn': principal.arn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.type === 'user' ? 'User' : 'AssumedRole',
    'aws:userid': principal.id,
  };
  if (principal.type === 'user') context['aws:username'] = principal.name;
  for (const tag of principal.tags) context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  return context;
}
