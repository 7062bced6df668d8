import { type Database, inAccountTransaction } from '@warden/db';
import { compilePolicySet } from '@warden/policy';
import type { Kysely } from 'kysely';
import { compiledPrincipalOf, principalContext } from '../authorization/authorizer.js';
import { simulationRequestContext } from '../authorization/request-context-builder.js';
import { type AccountHistory } from '../history/account-history.js';
import { HistoryCursor, type HistorySnapshotOptions } from '../history/history-cursor.js';
import { HISTORY_SNAPSHOT_INTERVAL, otherWriterRunning, saveSnapshots } from '../history/history-snapshots.js';
import { type PrincipalAt, principalAt } from '../history/principal-at.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError, NoSuchEntityError, PointInTimeBeforeAccountError, PointInTimeInFutureError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { accountOfPrincipals, answer, type AuthorizeAnswer, type AuthorizationOperations, type AuthorizeRequest, malformed, simulate, type SimulationResult } from './authorization-operations.js';

/**
 * `authorize` and `simulatePrincipalPolicy` as of a past instant, and `accessHistory`: when a
 * principal was allowed an action on a resource, and which events changed that. The principal's
 * state is folded from the account's events (`history/`), then decided by the same assembly,
 * compilation, request context and evaluator as the live path (`answer`, `simulate`). Asking is
 * authorized as today, now (`iam:SimulatePrincipalPolicy` on the principal), never as of then.
 */
export interface PointInTimeRequest extends AuthorizeRequest {
  readonly at: Date;
}

export interface AccessHistoryRequest extends Pick<AuthorizeRequest, 'principal' | 'action' | 'resource' | 'context'> {
  readonly from: Date;
  readonly to: Date;
}

export interface AllowedInterval {
  readonly from: Date;
  readonly to: Date;
}

/** An event after which the answer differed from the answer before it. */
export interface DecisionChange {
  /** The event's global position in the log. */
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly occurredAt: Date;
  /** The answer from this event on; null while no user or role had the principal's ARN. */
  readonly decision: AuthorizeAnswer['decision'] | null;
}

export interface AccessHistory {
  /** The answer at `from`; null when no user or role had the principal's ARN then. */
  readonly decisionAtFrom: AuthorizeAnswer['decision'] | null;
  readonly allowed: readonly AllowedInterval[];
  readonly changes: readonly DecisionChange[];
}

/**
 * How far ahead of the server's clock an instant may be and still be answered (as of now): a
 * client's clock a little ahead of ours should not turn "now" into an error.
 */
export const POINT_IN_TIME_CLOCK_SKEW_MS = 5_000;

export class PointInTimeChecks {
  constructor(
    private readonly core: IamCore,
    private readonly asking: Pick<AuthorizationOperations, 'askAbout' | 'authorizeMany'>,
    /** Snapshots off: every fold starts from the account's first event (the benchmark's baseline, the tests' fresh replay). */
    private readonly snapshots: HistorySnapshotOptions = { useSnapshots: true, snapshotInterval: HISTORY_SNAPSHOT_INTERVAL },
  ) {}

  /**
   * A batch whose requests may each have an `at` or not, all for principals of one account: those
   * without are answered now by the live path (`authorizeMany`, from the compiled cache when it is
   * warm), never by folding the history up to now; those with by `authorizeAt`. In input order.
   */
  async authorizeEach(caller: Caller, requests: readonly (AuthorizeRequest & { readonly at?: Date | null })[]): Promise<AuthorizeAnswer[]> {
    // The whole batch is of one account, whichever path answers each part of it.
    accountOfPrincipals(requests.map((request) => request.principal));
    const live: AuthorizeRequest[] = [];
    const past: PointInTimeRequest[] = [];
    for (const request of requests) {
      if (request.at) past.push({ ...request, at: request.at });
      else live.push(request);
    }
    const liveAnswers = live.length > 0 ? await this.asking.authorizeMany(caller, live) : [];
    const pastAnswers = past.length > 0 ? await this.authorizeAt(caller, past) : [];
    let nextLive = 0;
    let nextPast = 0;
    return requests.map((request) => (request.at ? pastAnswers[nextPast++]! : liveAnswers[nextLive++]!));
  }

  /** `authorize` as of each request's `at`, all for principals of one account; one fold per distinct instant. */
  async authorizeAt(caller: Caller, requests: readonly PointInTimeRequest[]): Promise<AuthorizeAnswer[]> {
    if (requests.length === 0) return [];
    for (const request of requests) this.refuseFuture(request.at);
    const accountId = await this.asking.askAbout(
      caller,
      requests.map((request) => request.principal),
    );
    const instants = [...new Set(requests.map((request) => request.at.getTime()))].sort((a, b) => a - b);
    const answers = new Map<number, Map<string, ReturnType<typeof compiledAt>>>();
    await this.readHistory(accountId, new Date(instants[0]!), new Date(instants[instants.length - 1]!), async (cursor) => {
      for (const instant of instants) {
        const at = new Date(instant);
        await cursor.advanceTo(at);
        const principals = new Map<string, ReturnType<typeof compiledAt>>();
        for (const request of requests) {
          if (request.at.getTime() === instant && !principals.has(request.principal)) principals.set(request.principal, compiledAt(cursor.history, accountId, request.principal));
        }
        answers.set(instant, principals);
      }
    });
    return requests.map((request) => {
      const compiled = answers.get(request.at.getTime())!.get(request.principal);
      if (!compiled) throw noSuchPrincipal(request.principal, accountId, request.at);
      return answer(compiled, request, request.at);
    });
  }

  /** AWS's SimulatePrincipalPolicy as of `at`: the principal's policies then, with `policyInputList` added. */
  async simulatePrincipalPolicyAt(
    caller: Caller,
    input: {
      policySourceArn: string;
      actionNames: readonly string[];
      resourceArns?: readonly string[] | null;
      contextEntries?: Readonly<Record<string, string | readonly string[]>> | null;
      policyInputList?: readonly string[] | null;
      at: Date;
    },
  ): Promise<SimulationResult[]> {
    this.refuseFuture(input.at);
    const accountId = await this.asking.askAbout(caller, [input.policySourceArn]);
    const principal = await this.readHistory(accountId, input.at, input.at, (cursor) => Promise.resolve(principalAt(cursor.history, accountId, input.policySourceArn)));
    if (!principal) throw noSuchPrincipal(input.policySourceArn, accountId, input.at);
    const extra = (input.policyInputList ?? []).map((document, index) => ({ name: `policyInputList[${index}]`, document }));
    const compiled = compilePolicySet({ identityPolicies: [...principal.policies.identityPolicies, ...extra], permissionBoundary: principal.policies.permissionBoundary });
    if (!compiled.ok) throw malformed(compiled.errors);
    const context = simulationRequestContext(principalContext(principal.record), input.contextEntries);
    return simulate(compiled.policySet, principal.record.arn, input.actionNames, input.resourceArns ?? ['*'], context, input.at);
  }

  /**
   * The intervals of [from, to] when `authorize` would have allowed the request, and the events
   * after which its answer changed. The log is walked once: the decision is evaluated again only
   * after an event of a stream it depends on (the principal's own, its groups', the managed
   * policies it holds or is bounded by) or one that gives a user or role the principal's ARN.
   * Conditions on the time itself (aws:CurrentTime) are evaluated at each such event, not between.
   */
  async accessHistory(caller: Caller, request: AccessHistoryRequest): Promise<AccessHistory> {
    if (request.from > request.to) throw new InvalidInputError('from must not be after to.');
    this.refuseFuture(request.to);
    const accountId = await this.asking.askAbout(caller, [request.principal]);
    return this.readHistory(accountId, request.from, request.to, async (cursor) => {
      const target = request.principal;
      const decide = (at: Date): { decision: AuthorizeAnswer['decision'] | null; streams: ReadonlySet<string> } => {
        const principal = principalAt(cursor.history, accountId, target);
        if (!principal) return { decision: null, streams: new Set() };
        return { decision: answer(compiled(principal), request, at).decision, streams: principal.streams };
      };
      let current = decide(request.from);
      const decisionAtFrom = current.decision;
      let allowedSince: Date | undefined = current.decision === 'allow' ? request.from : undefined;
      const allowed: AllowedInterval[] = [];
      const changes: DecisionChange[] = [];
      await cursor.advanceTo(request.to, (event) => {
        if (!current.streams.has(event.streamId) && !hasArn(cursor.history, event.streamId, target)) return;
        const next = decide(event.occurredAt);
        if (next.decision !== current.decision) {
          changes.push({ eventId: event.globalPosition, type: event.type, streamId: event.streamId, occurredAt: event.occurredAt, decision: next.decision });
          if (next.decision === 'allow') allowedSince = event.occurredAt;
          else if (allowedSince) {
            allowed.push({ from: allowedSince, to: event.occurredAt });
            allowedSince = undefined;
          }
        }
        current = next;
      });
      if (allowedSince) allowed.push({ from: allowedSince, to: request.to });
      return { decisionAtFrom, allowed, changes };
    });
  }

  private refuseFuture(at: Date): void {
    const now = this.core.clock.now();
    if (at.getTime() > now.getTime() + POINT_IN_TIME_CLOCK_SKEW_MS) {
      throw new PointInTimeInFutureError(`${at.toISOString()} is in the future (the server's time is ${now.toISOString()}): only the past can be asked about.`);
    }
  }

  /**
   * Opens a cursor on the account's history at `start` (after checking the account existed then)
   * for a walk up to `end`, in one repeatable-read transaction, lets `work` walk it, and saves the snapshots the walk
   * collected in a transaction of their own once the read has ended.
   */
  private async readHistory<T>(accountId: string, start: Date, end: Date, work: (cursor: HistoryCursor) => Promise<T>): Promise<T> {
    const writerWasRunning = this.snapshots.useSnapshots && (await otherWriterRunning(this.core.db));
    const { result, cursor } = await inAccountTransaction(
      this.core.db,
      accountId,
      async (trx) => {
        await this.refuseBeforeAccount(trx, accountId, start);
        const cursor = await HistoryCursor.open(trx, accountId, start, end, { ...this.snapshots, writerWasRunning });
        await cursor.advanceTo(start);
        return { result: await work(cursor), cursor };
      },
      { isolation: 'repeatable read' },
    );
    const snapshots = cursor.snapshotsToSave();
    if (snapshots.length > 0) await inAccountTransaction(this.core.db, accountId, (trx) => saveSnapshots(trx, accountId, snapshots));
    return result;
  }

  private async refuseBeforeAccount(db: Kysely<Database>, accountId: string, at: Date): Promise<void> {
    const first = await db.selectFrom('events').select('occurred_at').where('account_id', '=', accountId).orderBy('global_position').limit(1).executeTakeFirst();
    if (!first || new Date(first.occurred_at) > at) {
      const since = first ? ` (its first event occurred at ${new Date(first.occurred_at).toISOString()})` : '';
      throw new PointInTimeBeforeAccountError(`Account ${accountId} did not exist at ${at.toISOString()}${since}.`);
    }
  }
}

function compiled(principal: PrincipalAt) {
  return compiledPrincipalOf(
    'history',
    principal.record,
    compilePolicySet({ identityPolicies: principal.policies.identityPolicies, permissionBoundary: principal.policies.permissionBoundary }),
    principalContext(principal.record),
  );
}

function compiledAt(history: AccountHistory, accountId: string, arn: string) {
  const principal = principalAt(history, accountId, arn);
  return principal ? compiled(principal) : undefined;
}

/** Whether the stream is a user or role that has `arn` now (created, or renamed to it). */
function hasArn(history: AccountHistory, streamId: string, arn: string): boolean {
  const entity = history.users[streamId] ?? history.roles[streamId];
  return entity !== undefined && entity.status === 'active' && entity.arn === arn;
}

function noSuchPrincipal(arn: string, accountId: string, at: Date): NoSuchEntityError {
  return new NoSuchEntityError(`No user or role with ARN ${arn} existed in account ${accountId} at ${at.toISOString()}.`);
}
