import { appendToStream, ConcurrencyError, type Database, type EventMetadata, isUniqueViolation, lockForAppend, preparedStatement, readStream, type StoredEvent } from '@warden/db';
import { CompiledQuery, type Transaction } from 'kysely';
import { type Decider, type DomainEvent, fold } from './decider.js';
import { EntityAlreadyExistsError } from './iam-error.js';
import { changedEntity } from './changed-entity.js';

/**
 * One command against one stream, inside a write's transaction (`IamCore.write` is its only
 * caller, through `appendTo`): lock the stream, fold it, decide, append with the version it was
 * loaded at, run the inline projections and bump the account's epoch. Nothing is written unless
 * everything is.
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
  const history = await readStream(trx, request.accountId, request.streamId);
  const state = fold(
    decider,
    history.map((stored) => ({ type: stored.type, data: stored.data }) as Event),
  );
  const events = decider.decide(request.command, state);
  if (events.length === 0) return { state, events: [] };
  const stored = await appendToStream(trx, {
    accountId: request.accountId,
    streamId: request.streamId,
    expectedVersion: history.length - 1,
    events,
    metadata: request.metadata,
    occurredAt: request.occurredAt,
    ...(request.lockKeys ? { lockKeys: request.lockKeys } : {}),
  });
  for (const event of stored) {
    try {
      await request.project(trx, event);
    } catch (error) {
      throw translateProjectionError(error, event);
    }
  }
  if (changesCachedState(request.streamId, events)) await bumpEpoch(trx, request.accountId, changedEntity(request.streamId));
  return { state: events.reduce((current, event) => decider.evolve(current, event), state), events: stored };
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

/**
 * Changes kept per account: a process further behind than this finds a gap in the log and drops
 * everything it cached for the account, which is always correct, only slower.
 */
const KEPT_CHANGES = 1000;

/**
 * Bumps the account's change epoch and records, under the new epoch, which entity changed, in one
 * statement (so in the append's transaction: the bump and its record commit together or not at
 * all), dropping records older than `KEPT_CHANGES`. The accounts row's lock orders the bumps of
 * one account, so the records' epochs are consecutive.
 */
/** Prepared: every write that changes what is cached runs it (on the embedded store planning it costs more than running it). */
const BUMP_STATEMENT = preparedStatement(
  'warden_bump_epoch',
  `WITH bumped AS (
     UPDATE accounts SET change_epoch = change_epoch + 1 WHERE account_id = $1::text RETURNING change_epoch
   ), recorded AS (
     INSERT INTO account_changes (account_id, epoch, changed) SELECT $1::text, change_epoch, $2::text FROM bumped
   )
   DELETE FROM account_changes WHERE account_id = $1::text AND epoch <= (SELECT change_epoch FROM bumped) - $3::int8`,
);

async function bumpEpoch(trx: Transaction<Database>, accountId: string, changed: string): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw(BUMP_STATEMENT, [accountId, changed, KEPT_CHANGES]));
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
