import { type Database, type EventMetadata, type StoredEvent, streamLockKey } from '@warden/db';
import type { Transaction } from 'kysely';
import type { CallScope } from '../kernel/call-scope.js';
import type { Caller } from '../kernel/command-context.js';
import { handleCommand, type Handled, type Projector } from '../kernel/command-handler.js';
import type { Decider, DomainEvent } from '../kernel/decider.js';
import type { StreamFolds } from '../kernel/stream-folds.js';

/**
 * What one write declares to `IamCore.write`, in the order the write runs it:
 *
 * 1. `locks`: every key the write must hold before it reads anything (a quota's key, the name keys
 *    of the entity it addresses by name or creates, a policy ARN's key, the streams it knows by id).
 *    They are taken together, sorted as `lockForAppend` sorts, first in the transaction, so what
 *    `load` reads under them cannot change until the write ends, and two writers never wait on each
 *    other in a cycle.
 * 2. `load`: reads what the decision needs, under those locks. It may throw a typed error where the
 *    operation reveals it before any authorization (AWS's order for that action).
 *    `lockedAfterLoad` names the locks known only from what was loaded (the stream of an entity found
 *    by a name whose key is among `locks`, so the name cannot move meanwhile); they are taken right
 *    after the load, before any check reads under them. A load may instead take such a lock in the
 *    statement that finds the entity, and name it in `lockedByLoad`.
 * 3. `permissions`: what the caller must be allowed, asked once each. A function of what was loaded,
 *    since the resource of a write addressed by name (its ARN, its tags) is only known then; an
 *    entity that does not exist is still named by the ARN its name gives, so that a caller who may
 *    not act on it cannot learn whether it exists. A system write has none.
 * 4. `appends`: the checks that come after authorization (existence, quotas, attachability), then
 *    the commands, one per stream. Each stream is locked (if `locks` did not already), folded,
 *    decided, appended and projected in turn.
 * 5. `answer`: what the operation returns, read in the same transaction after the projections ran,
 *    so that no second transaction reads the row again.
 */
export interface WriteSpec<Loaded, State, Answer> {
  readonly locks?: readonly string[];
  load?(trx: Transaction<Database>): Promise<Loaded> | Loaded;
  lockedAfterLoad?(loaded: Loaded): readonly string[];
  /** The locks `load` took itself, in the statement that found what they lock (`lockingColumnExpression`): held, not taken again. */
  lockedByLoad?(loaded: Loaded): readonly string[];
  permissions?(loaded: Loaded): readonly Permission[];
  appends(loaded: Loaded, trx: Transaction<Database>): Promise<StreamAppend<State> | readonly StreamAppend<State>[]> | StreamAppend<State> | readonly StreamAppend<State>[];
  answer?(trx: Transaction<Database>, written: Written<State>, loaded: Loaded): Promise<Answer> | Answer;
}

/** One question to the authorizer: may the caller perform `action` on `resource`? */
export interface Permission {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The account itself grants the action (see `IamCore.authorize`). */
  readonly accountGrant?: boolean;
}

/** What the write did: the new state of its last stream, every event it appended, and the answer. */
export interface Written<State> {
  readonly state: State;
  readonly events: readonly StoredEvent[];
}

export interface WriteResult<State, Answer> extends Written<State> {
  readonly answer: Answer;
}

/**
 * Warden writing on its own account (key rotation, sign-in attempts, session expiry, bootstrap):
 * nobody to authorize, and the metadata says which part of Warden wrote.
 */
export interface SystemWriter {
  readonly kind: 'system';
  readonly accountId: string;
  readonly metadata: EventMetadata;
  /** When the events happened, when the system decided it before the write (a job's time). */
  readonly occurredAt?: Date;
  /** The API call Warden writes for, when it writes for a caller (`writingFor`). */
  readonly callScope?: CallScope;
}

export type Writer = Caller | SystemWriter;

export function systemWriter(accountId: string, metadata: EventMetadata, occurredAt?: Date): SystemWriter {
  return { kind: 'system', accountId, metadata, ...(occurredAt ? { occurredAt } : {}) };
}

/**
 * Warden writing on a caller's behalf in an account it is not authorized in (STS issuing a session
 * in the role's account, the management account creating a member's): still part of the caller's
 * call, whose record its events are.
 */
export function writingFor(callScope: CallScope | undefined, writer: SystemWriter): SystemWriter {
  return callScope ? { ...writer, callScope } : writer;
}

export function isSystemWriter(writer: Writer): writer is SystemWriter {
  return writer.kind === 'system';
}

/** What every append of one write shares. */
export interface AppendContext {
  readonly accountId: string;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  /** The keys the write took before its load: a stream among them is not locked again. */
  readonly held: ReadonlySet<string>;
  readonly project: Projector;
  /** The process's kept folds (`StreamFolds`). */
  readonly folds?: StreamFolds;
}

/** A command for one stream, its decider bound, ready for the write to run in order. */
export interface StreamAppend<State> {
  readonly streamId: string;
  /** The ARN the events are about, when it is not the first permission's resource. */
  readonly resourceArn?: string;
  run(trx: Transaction<Database>, context: AppendContext): Promise<Handled<State>>;
}

export interface AppendOptions {
  /** Uniqueness keys the append touches (a new name, an alias), to order racing writers. */
  readonly lockKeys?: readonly string[];
  readonly resourceArn?: string;
}

/** Binds a command to its stream and decider; the command is checked against the decider's type. */
export function appendTo<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>, streamId: string, command: Command, options: AppendOptions = {}): StreamAppend<State> {
  return {
    streamId,
    ...(options.resourceArn ? { resourceArn: options.resourceArn } : {}),
    run: (trx, context) =>
      handleCommand(trx, decider, {
        accountId: context.accountId,
        streamId,
        command,
        metadata: context.metadata,
        occurredAt: context.occurredAt,
        project: context.project,
        ...(context.folds ? { folds: context.folds } : {}),
        ...(options.lockKeys ? { lockKeys: options.lockKeys } : {}),
        locked: options.lockKeys === undefined ? context.held.has(streamLockKey(streamId)) : [streamLockKey(streamId), ...options.lockKeys].every((key) => context.held.has(key)),
      }),
  };
}
