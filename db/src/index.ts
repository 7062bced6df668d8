export { type AccountTransactionOptions, inAccountSnapshot, inAccountTransaction } from './account-transaction.js';
export { ConcurrencyError } from './concurrency-error.js';
export { DataDirectoryInUseError } from './data-directory-lock.js';
export { createDb, type CreateDbOptions, type DatabaseDriver, type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS, type PoolUse, type WardenDb } from './create-db.js';
export { DatabaseUnavailableError, isDatabaseUnavailable } from './database-unavailable.js';
export { pingDatabase, unavailableReason, waitForDatabase, type WaitForDatabaseOptions } from './wait-for-database.js';
export { ACCOUNT_SCOPED_READ_MODELS, type Database, GLOBAL_READ_MODELS, type ReadModelTable } from './database.js';
export {
  type AppendRequest,
  appendToStream,
  type EventMetadata,
  type EventToAppend,
  isUniqueViolation,
  lockForAppend,
  lockingColumnExpression,
  NO_STREAM,
  type StoredEvent,
  streamLockKey,
  takeLocks,
} from './event-store.js';
export { MigrationError, migrateToLatest, pendingMigrations } from './migrate.js';
export { jsonColumn } from './json-column.js';
export { asPrepared, preparedStatement } from './prepared-statements.js';
export type { SqlTracer } from './sql-tracer.js';
export {
  commitHorizon,
  type ConsumerCursor,
  cursorBelow,
  cursorOf,
  type EventsQuery,
  readAllEvents,
  readEventsAfter,
  type ReadAfterOptions,
  readStream,
  readStreamAfter,
  readStreamToFold,
  type StreamPoint,
  type StreamToFold,
  START_OF_LOG,
  toStoredEvent,
} from './read-events.js';
export type * from './tables/access-key-lookup.table.js';
export type * from './tables/access-keys.table.js';
export type * from './tables/access-key-usage.table.js';
export type * from './tables/action-usage.table.js';
export type * from './tables/service-last-accessed-jobs.table.js';
export type * from './tables/account-changes.table.js';
export type * from './tables/api-calls.table.js';
export type * from './tables/credential-reports.table.js';
export type * from './tables/accounts.table.js';
export type * from './tables/events.table.js';
export type * from './tables/group-memberships.table.js';
export type * from './tables/groups.table.js';
export type * from './tables/history-snapshots.table.js';
export type * from './tables/inline-policies.table.js';
export type * from './tables/keyring-keys.table.js';
export type * from './tables/mfa-devices.table.js';
export type * from './tables/oidc-providers.table.js';
export type * from './tables/used-federation-tokens.table.js';
export type * from './tables/saml-providers.table.js';
export type * from './tables/sign-in-failures.table.js';
export type * from './tables/policies.table.js';
export type * from './tables/policy-attachments.table.js';
export type * from './tables/policy-versions.table.js';
export type * from './tables/roles.table.js';
export type * from './tables/sessions.table.js';
export type * from './tables/users.table.js';
