import { type IamObserver, NO_IAM_OBSERVER } from '../kernel/iam-observer.js';
import { ConcurrencyError, type Database, inAccountTransaction, type StoredEvent, takeLocks } from '@warden/db';
import type { Kysely, Transaction } from 'kysely';
import { Authorizer, type CompiledPrincipal, type PrincipalOwner } from '../authorization/authorizer.js';
import { AccountEpochs, type EpochSource } from './account-epochs.js';
import { type Caller, type CallerSession, type Clock, eventMetadata, systemClock } from '../kernel/command-context.js';
import type { Projector } from '../kernel/command-handler.js';
import type { SecretCipher } from '../keyring/live-keyring.js';
import { AccessDeniedError, ConcurrentModificationError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { generateUniqueId, type RandomSource, type UniqueIdPrefix } from '../identifiers/index.js';
import { effectiveQuotas, type Quotas } from '../naming/index.js';
import { notePermissionAsked, noteWrite } from '../kernel/call-scope.js';
import { type UsageCounterOptions, UsageCounters } from '../kernel/usage-counters.js';
import { StreamFolds } from '../kernel/stream-folds.js';
import { isSystemWriter, type StreamAppend, type Writer, type WriteResult, type WriteSpec, type Written } from './write-spec.js';

/**
 * What every operation shares: the database, the keyring, the authorizer, the clock and the id
 * source, and the one path every write takes (`write`, its spec in write-spec.ts): inside the
 * writer's account transaction, lock, load, authorize the caller with its real policies, decide,
 * append, project; retried a few times when another writer got to the stream first.
 */
export interface IamCoreOptions {
  readonly db: Kysely<Database>;
  readonly keyring: SecretCipher;
  readonly partition?: string;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** `process` only when this process is the store's only writer (the embedded database). */
  readonly epochSource?: EpochSource;
  /** Writes appended events into the read models: the composition root's `projectEvent`. */
  readonly project: Projector;
  /** Told of decisions, cache lookups and appended events (api's metrics); nobody by default. */
  readonly observer?: IamObserver;
  /** Access Advisor's counters of allowed actions (on unless `enabled: false`). */
  readonly lastAccessed?: UsageCounterOptions;
  /** The folds kept between writes (`StreamFolds`); a new one with its default limits unless given (the suites freeze what it keeps). */
  readonly streamFolds?: StreamFolds;
}

/** The lock keys of the account-wide counts; every create that counts against one declares its key. */
export const QUOTA_LOCKS = {
  users: 'quota/users',
  groups: 'quota/groups',
  roles: 'quota/roles',
  customerManagedPolicies: 'quota/customer-managed-policies',
  virtualMfaDevices: 'quota/virtual-mfa-devices',
} as const;

const ATTEMPTS = 4;
const KEY_USE_INTERVAL_MS = 60_000;

export class IamCore {
  readonly db: Kysely<Database>;
  readonly keyring: SecretCipher;
  readonly partition: string;
  readonly clock: Clock;
  private readonly project: Projector;
  readonly authorizer: Authorizer;
  readonly epochs: AccountEpochs;
  readonly observer: IamObserver;
  /** Access Advisor's last-accessed counters; `close()` them before the database closes. */
  readonly usage: UsageCounters;
  /** Told of every issued session after it commits (set through `MaintenanceOperations.onSessionIssued`). */
  onSessionIssued: ((session: { accountId: string; sessionId: string; expiresAt: Date }) => void) | undefined;
  private readonly random: RandomSource | undefined;
  private readonly keyUseWrittenAt = new Map<string, number>();
  /** Streams folded by this process's writes, so that the next write to one reads only what came after. */
  private readonly folds: StreamFolds;
  /** The authorizations already granted in a transaction (it ends, and the entry goes with it). */
  private readonly allowedIn = new WeakMap<Transaction<Database>, Set<string>>();

  constructor(options: IamCoreOptions) {
    this.db = options.db;
    this.keyring = options.keyring;
    this.partition = options.partition ?? 'aws';
    this.clock = options.clock ?? systemClock;
    this.project = options.project;
    this.random = options.random;
    this.observer = options.observer ?? NO_IAM_OBSERVER;
    this.folds = options.streamFolds ?? new StreamFolds();
    this.epochs = new AccountEpochs(this.db, options.epochSource ?? 'database');
    this.usage = new UsageCounters(this.db, this.observer, options.lastAccessed);
    this.authorizer = new Authorizer(this.partition, this.keyring, this.observer, this.epochs, this.usage);
  }

  newId(prefix: UniqueIdPrefix): string {
    return this.random ? generateUniqueId(prefix, this.random) : generateUniqueId(prefix);
  }

  /** Runs a read-only piece of work in the caller's account transaction. */
  read<T>(caller: Caller, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return inAccountTransaction(this.db, caller.accountId, work);
  }

  /**
   * The one write protocol (see `WriteSpec`): in one transaction bound to the writer's account, take
   * every declared lock, load under them, authorize the caller once per question, run the appends
   * (lock, fold, decide, append, project, bump the epoch) and read the answer; retried whole when
   * another writer got to a stream first. A system writer is never authorized.
   */
  async write<Loaded, State, Answer = undefined>(writer: Writer, spec: WriteSpec<Loaded, State, Answer>): Promise<WriteResult<State, Answer>> {
    const accountId = writer.accountId;
    if (isSystemWriter(writer) && spec.permissions) throw new Error('A system write has no caller to authorize: its spec must not ask for permissions.');
    // What a call changes is in the event log: its record is its events (audit/recorded-call.ts).
    noteWrite(writer.callScope);
    for (let attempt = 1; ; attempt++) {
      const held = new Set(spec.locks ?? []);
      try {
        const result = await this.writing(accountId, () =>
          inAccountTransaction(
            this.db,
            accountId,
            async (trx) => {
              const loaded = (await spec.load?.(trx)) as Loaded;
              for (const key of spec.lockedByLoad?.(loaded) ?? []) held.add(key);
              const later = (spec.lockedAfterLoad?.(loaded) ?? []).filter((key) => !held.has(key));
              if (later.length > 0) {
                await takeLocks(trx, accountId, later);
                for (const key of later) held.add(key);
              }
              const permissions = isSystemWriter(writer) ? [] : (spec.permissions?.(loaded) ?? []);
              // A question asked twice is answered once: `authorize` remembers what it allowed in this transaction.
              if (!isSystemWriter(writer))
                for (const permission of permissions) await this.authorize(trx, writer, permission.action, permission.resource, permission.context, permission.accountGrant ?? false);
              const planned = await spec.appends(loaded, trx);
              const appends: readonly StreamAppend<State>[] = Array.isArray(planned) ? planned : [planned as StreamAppend<State>];
              const base = isSystemWriter(writer) ? writer.metadata : eventMetadata(writer);
              const occurredAt = (isSystemWriter(writer) ? writer.occurredAt : undefined) ?? this.clock.now();
              const events: StoredEvent[] = [];
              let state = undefined as State;
              for (const append of appends) {
                const resourceArn = append.resourceArn ?? permissions[0]?.resource ?? base.resourceArn;
                const handled = await append.run(trx, { accountId, metadata: resourceArn === undefined ? base : { ...base, resourceArn }, occurredAt, held, project: this.project, folds: this.folds });
                state = handled.state;
                events.push(...handled.events);
              }
              const written: Written<State> = { state, events };
              const answer = (spec.answer ? await spec.answer(trx, written, loaded) : undefined) as Answer;
              return { ...written, answer };
            },
            // Taken by the statement that binds the transaction, sorted and scoped as lockForAppend
            // takes them, so two writers never wait on each other in a cycle.
            { locks: [...held] },
          ),
        );
        // Told once the transaction committed: a write rolled back appended nothing.
        this.observer.eventsAppended(result.events.length);
        return result;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (attempt >= ATTEMPTS) throw new ConcurrentModificationError('The entity was changed by another request at the same time; retry the request.');
      }
    }
  }

  /**
   * Runs a write to an account, then refreshes its cached epoch (`AccountEpochs.written`) before it
   * answers; a write that failed only drops it, since it most likely changed nothing: the next
   * request reads it.
   */
  async writing<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.epochs.invalidate(accountId);
      throw error;
    }
    await this.epochs.written(accountId);
    return result;
  }

  /**
   * The caller's permission for an action on a resource of its own account. The root user is not
   * bound by identity-based policies within its own account; everyone else is decided by the
   * evaluator with their real policies. `accountGrant`: the account itself grants the action (as
   * AllowUsersToChangePassword grants iam:ChangePassword): no identity policy needs to allow it,
   * but an explicit Deny still wins.
   */
  async authorize(
    trx: Transaction<Database>,
    caller: Caller,
    action: string,
    resource: string,
    extraContext: Readonly<Record<string, string | readonly string[]>> = {},
    accountGrant = false,
  ): Promise<void> {
    // The root user is let through by requireAllowed, which also notes its key use and the call's permission: no question to remember.
    if (caller.kind === 'root') return this.requireAllowed(caller, action, [resource], { trx, extraContext, accountGrant });
    // A read may ask the same question more than once in its transaction (a list, then its items'
    // nested fields): it is answered once. A write asks each of its questions once (`write`).
    const question = `${caller.arn}\n${action}\n${resource}\n${accountGrant}\n${JSON.stringify(extraContext)}`;
    const allowed = this.allowedIn.get(trx);
    if (allowed?.has(question)) return;
    await this.requireAllowed(caller, action, [resource], { trx, extraContext, accountGrant });
    if (allowed) allowed.add(question);
    else this.allowedIn.set(trx, new Set([question]));
  }

  /**
   * The one decision of whether the caller may do `action` on each of `resources` (in its own
   * account, or, for iam:SimulatePrincipalPolicy, in the one its management account may ask about):
   * the key use noted, the root user let through, everyone else checked against the policy set
   * `compiledCaller` chooses. Returns without a promise, and so without a transaction or a query,
   * when that set is cached at the caller's epoch (the hot path of `authorize` asks this way);
   * otherwise the set is read in `trx`, or in a transaction of its own when there is none.
   */
  requireAllowed(
    caller: Caller,
    action: string,
    resources: Iterable<string>,
    options: { trx?: Kysely<Database>; extraContext?: Readonly<Record<string, string | readonly string[]>>; accountGrant?: boolean } = {},
  ): void | Promise<void> {
    this.recordKeyUse(caller, action);
    // The call's record names the first permission it asked as its operation (kernel/call-scope.ts).
    const scope = caller.callScope;
    if (scope) for (const resource of resources) notePermissionAsked(scope, action, resource, caller.kind === 'root' ? caller.arn : undefined);
    if (caller.kind === 'root') return;
    const check = (compiled: CompiledPrincipal): void => {
      if (scope) scope.principalArn ??= compiled.principal.arn;
      const now = this.clock.now();
      for (const resource of new Set(resources)) this.authorizer.check(compiled, caller, action, resource, now, options.extraContext ?? {}, options.accountGrant ?? false);
    };
    const own = this.compiledCaller(caller, options.trx);
    if (own instanceof Promise) return own.then(check);
    check(own);
  }

  /**
   * Notes when an access key was last used and for what, at most once a minute per key and off the
   * request's path: usage is telemetry, so a lost write costs nothing but a stale "last used".
   */
  recordKeyUse(caller: Caller, action: string): void {
    const accessKeyId = caller.accessKeyId;
    if (!accessKeyId) return;
    const now = this.clock.now();
    const last = this.keyUseWrittenAt.get(accessKeyId);
    if (last !== undefined && now.getTime() - last < KEY_USE_INTERVAL_MS) return;
    this.keyUseWrittenAt.set(accessKeyId, now.getTime());
    if (this.keyUseWrittenAt.size > 100_000) this.keyUseWrittenAt.clear();
    void inAccountTransaction(this.db, caller.accountId, (trx) =>
      trx
        .insertInto('access_key_usage')
        .values({ account_id: caller.accountId, access_key_id: accessKeyId, last_used_at: now, last_used_action: action })
        .onConflict((oc) => oc.columns(['account_id', 'access_key_id']).doUpdateSet({ last_used_at: now, last_used_action: action }))
        .execute(),
    ).catch(() => this.keyUseWrittenAt.delete(accessKeyId));
  }

  /**
   * The caller's compiled policies: the one place that chooses them, for every check of a caller's
   * own request, whether `authorize`'s cached path or a transaction asks. A session with session
   * policies (an assumed role, a federated user) is its role's or user's policies intersected with
   * them, never the user's alone: a federated caller also carries the federating user's id, and
   * choosing by that id would drop the session policies. When authentication read the account's
   * epoch and the cache was built at that epoch, the entry is returned as it is, with no query and
   * no promise; otherwise it is read in `trx`, or with no transaction when there is none (the load is
   * one statement that takes the account's row security itself; a snapshot newer than the epoch is
   * never less safe).
   */
  compiledCaller(caller: Caller, trx?: Kysely<Database>): CompiledPrincipal | Promise<CompiledPrincipal> {
    const session = sessionWithPolicies(caller);
    if (caller.accountEpoch !== undefined) {
      const cached = session
        ? this.authorizer.cachedSession(caller.accountId, session.sessionId, caller.accountEpoch)
        : caller.userId !== undefined
          ? this.authorizer.cachedById(caller.accountId, 'user', caller.userId, caller.accountEpoch)
          : undefined;
      if (cached) return cached;
    }
    // No transaction of its own: the load is one statement that takes the account's row security itself.
    return this.loadCaller(trx ?? this.db, caller, session);
  }

  /**
   * Reads and compiles the caller's policies in `trx` (the principal's row and every policy in one
   * statement), unless a load of them is in flight or the cache holds them current at the caller's
   * epoch.
   */
  private async loadCaller(trx: Kysely<Database>, caller: Caller, session: CallerSession | undefined): Promise<CompiledPrincipal> {
    const accountId = caller.accountId;
    if (session) {
      const base: PrincipalOwner = session.kind === 'assumed-role' ? { accountId, type: 'role', id: session.roleId ?? '' } : { accountId, type: 'user', id: session.userId ?? '' };
      return this.authorizer.compiledSession(trx, base, session, caller.arn, caller.accountEpoch).catch((error: unknown) => {
        throw error instanceof NoSuchEntityError ? new AccessDeniedError(`${caller.arn}: the principal this session belongs to no longer exists.`) : error;
      });
    }
    const notAuthorizable = new AccessDeniedError(`${caller.arn} is not a principal that can be authorized here.`);
    if (caller.kind !== 'user' || !caller.userId) throw notAuthorizable;
    return this.authorizer.compiledPrincipal(trx, { accountId, type: 'user', id: caller.userId }, caller.accountEpoch).catch((error: unknown) => {
      throw error instanceof NoSuchEntityError ? notAuthorizable : error;
    });
  }

  async quotas(trx: Kysely<Database>, accountId: string): Promise<Quotas> {
    const row = await trx.selectFrom('accounts').select('quotas').where('account_id', '=', accountId).executeTakeFirst();
    return effectiveQuotas(row?.quotas);
  }

  /**
   * Refuses a create once the account has `limit` rows of `table` (AWS's LimitExceeded, with AWS's
   * name for the quota). Only sound under the count's `QUOTA_LOCKS` key, declared in the write's locks.
   */
  async requireBelowQuota(trx: Kysely<Database>, accountId: string, table: 'users' | 'groups' | 'roles' | 'policies' | 'mfa_devices', limit: number, awsName: string): Promise<void> {
    const row = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(row.count) >= limit) throw new LimitExceededError(`Cannot exceed quota for ${awsName}: ${limit}.`);
  }
}

/**
 * The caller's session when it is authorized with session policies. A user's own session
 * (GetSessionToken, console sign-in) has exactly the user's permissions; AWS gives a
 * GetFederationToken session the intersection with its session policies, and STS stores a deny-all
 * policy for a federation token issued without one, since such a session has no permissions.
 */
function sessionWithPolicies(caller: Caller): CallerSession | undefined {
  const session = caller.session;
  return session !== undefined && session.kind !== 'session-token' && session.kind !== 'console' ? session : undefined;
}
