import {
  appendToStream,
  ConcurrencyError,
  type Database,
  type EventMetadata,
  isUniqueViolation,
  lockForAppend,
  readStreamAfter,
  readStreamToFold,
  type StoredEvent,
  type StreamToFold,
} from '@warden/db';
import type { Transaction } from 'kysely';
import { type Decider, type DomainEvent, fold } from './decider.js';
import { EntityAlreadyExistsError } from './iam-error.js';
import { changedEntity } from './changed-entity.js';
import type { StreamFolds } from './stream-folds.js';

/**
 * One command against one stream, inside a write's transaction (`IamCore.write` is its only
 * caller, through `appendTo`): lock the stream, fold it, decide, append with the version it was
 * loaded at (its statement also bumps the account's epoch when the events change what is cached),
 * run the inline projections. Nothing is written unless everything is.
 */
/**
 * Writes a stored event into the read models. The composition root supplies it (`projectEvent`), so
 * that the write path knows no entity's tables.
 */
export type Projector = (trx: Transaction<Database>, event: StoredEvent) => Promise<void>;

export interface HandleCommand<Command> {
  readonly accountId: string;
  readonly streamId: string;
  readonly command: Command;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  readonly project: Projector;
  /** Uniqueness keys the command touches (a user name, an alias), to order racing writers. */
  readonly lockKeys?: readonly string[];
  /** The write took the stream's and the keys' locks before it read anything. */
  readonly locked?: boolean;
  /** Folds kept from earlier writes, so that only the events after one are read (see `StreamFolds`). */
  readonly folds?: StreamFolds;
}

export interface Handled<State> {
  readonly state: State;
  readonly events: readonly StoredEvent[];
}

export async function handleCommand<Command, Event extends DomainEvent, State>(
  trx: Transaction<Database>,
  decider: Decider<Command, Event, State>,
  request: HandleCommand<Command>,
): Promise<Handled<State>> {
  // Writers of one stream queue here rather than race to a ConcurrencyError.
  if (!request.locked) await lockForAppend(trx, request.accountId, request.streamId, request.lockKeys);
  const { history, state } = await foldStream(trx, decider, request);
  const events = decider.decide(request.command, state);
  if (events.length === 0) return { state, events: [] };
  const stored = await appendToStream(trx, {
    accountId: request.accountId,
    streamId: request.streamId,
    expectedVersion: history.version,
    events,
    metadata: request.metadata,
    occurredAt: request.occurredAt,
    ...(request.lockKeys ? { lockKeys: request.lockKeys } : {}),
    ...(changesCachedState(request.streamId, events) ? { epochChange: changedEntity(request.streamId) } : {}),
  });
  for (const event of stored) {
    try {
      await request.project(trx, event);
    } catch (error) {
      throw translateProjectionError(error, event);
    }
  }
  return { state: fold(decider, events, state), events: stored };
}

/** The stream's state under its lock: from a kept fold and the events after it, or from all its events. */
async function foldStream<Event extends DomainEvent, State>(
  trx: Transaction<Database>,
  decider: Decider<never, Event, State>,
  request: HandleCommand<unknown>,
): Promise<{ history: StreamToFold; state: State }> {
  const { accountId, streamId, folds } = request;
  const kept = folds?.get<State>(accountId, streamId, decider);
  const after = kept ? await readStreamAfter(trx, accountId, streamId, kept.point) : undefined;
  const history = after ?? (await readStreamToFold(trx, accountId, streamId));
  const state = fold(decider, history.events as readonly Event[], after ? kept!.state : decider.initialState);
  // Nothing after the kept event: the kept fold is already this one.
  const unchanged = after !== undefined && after.events.length === 0;
  if (folds && history.last && !unchanged) folds.keep(accountId, streamId, { decider, point: history.last, state });
  return { history, state };
}

/**
 * Whether the events change what authentication and authorization cache per account epoch
 * (policies, keys, principals, sessions' validity). Issuing a session, a sign-in attempt and an MFA
 * device's use do not, and bumping the epoch for each would serialize every sign-in and assumeRole
 * of an account on one row and empty its caches. A session revoked (signed out) does: a cached
 * credential must not outlive it.
 */
function changesCachedState(streamId: string, events: readonly DomainEvent[]): boolean {
  if (streamId.startsWith('session/')) return events.some((event) => event.type === 'SessionRevoked');
  return !streamId.startsWith('sign-in/') && !streamId.startsWith('mfa-device/');
}

/** The name the event sets, as the request spelled it (a rename's event holds the new one). */
function nameIn(event: StoredEvent, field: string): string {
  return String((event.data as Record<string, unknown> | null)?.[field]);
}

/**
 * AWS's EntityAlreadyExists sentence for each read-model constraint that holds a name. Streams are
 * keyed by id, and names compare without regard to case, so the constraint, not the decider, is
 * what finds a name taken; the sentence names the name the request asked for.
 */
const UNIQUE_NAMES: Readonly<Record<string, (event: StoredEvent) => string>> = {
  users_name_unique: (event) => `User with name ${nameIn(event, 'userName')} already exists.`,
  groups_name_unique: (event) => `Group with name ${nameIn(event, 'groupName')} already exists.`,
  roles_name_unique: (event) => `Role with name ${nameIn(event, 'roleName')} already exists.`,
  policies_name_unique: (event) => `A policy called ${nameIn(event, 'policyName')} already exists. Duplicate names are not allowed.`,
  policies_arn: (event) => `A policy called ${nameIn(event, 'policyName')} already exists. Duplicate names are not allowed.`,
  // Aliases are unique across all accounts (AWS: "must be unique across all Amazon Web Services products").
  accounts_alias_key: (event) => `The account alias ${nameIn(event, 'alias')} already exists.`,
  // A virtual MFA device's serial number is its path and name; AWS's sentence names neither.
  mfa_devices_serial_unique: () => 'MFADevice entity at the same path and name already exists.',
  oidc_providers_url_unique: (event) => `Provider with url https://${nameIn(event, 'url')} already exists.`,
  // The same sentence as saml-providers/saml-provider-rules.ts samlProviderNameTaken (the kernel imports no feature).
  saml_providers_name_unique: (event) => `SAML provider with name ${nameIn(event, 'name')} already exists.`,
};

/** A read model's unique constraint is the final word on names: report it as AWS does. */
function translateProjectionError(error: unknown, event: StoredEvent): unknown {
  if (error instanceof ConcurrencyError) return error;
  for (const [constraint, message] of Object.entries(UNIQUE_NAMES)) {
    if (isUniqueViolation(error, constraint)) return new EntityAlreadyExistsError(message(event));
  }
  return error;
}
