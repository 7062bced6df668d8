import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { lockingExpression, orderedLockKeys } from './event-store.js';
import { asPrepared } from './prepared-statements.js';

export interface AccountTransactionOptions {
  /** `repeatable read` when every statement must see one snapshot of the log (a fold that is saved as a snapshot). */
  readonly isolation?: 'repeatable read';
  /**
   * Lock keys (as `takeLocks` takes them) held from the transaction's first statement, which binds
   * it to the account and takes them in one round trip: for a writer that holds keys before it
   * reads anything.
   */
  readonly locks?: readonly string[];
}

/**
 * Runs `work` in a transaction bound to one account: the role switches to `warden_app` and
 * `warden.account_id` is set, so row-level security admits that account's rows only, whatever a
 * query forgets. Both settings are LOCAL: they end with the transaction and never leak through the
 * pool to the next request.
 */
export async function inAccountTransaction<T>(db: Kysely<Database>, accountId: string, work: (trx: Transaction<Database>) => Promise<T>, options: AccountTransactionOptions = {}): Promise<T> {
  const transaction = options.isolation ? db.transaction().setIsolationLevel(options.isolation) : db.transaction();
  const locks = orderedLockKeys(accountId, options.locks ?? []);
  return transaction.execute(async (trx) => {
    const locking = locks.length > 0 ? sql`, ${lockingExpression(locks)}` : sql``;
    const binding = sql`SELECT set_config('role', 'warden_app', true), set_config('warden.account_id', ${accountId}, true)${locking}`.compile(trx);
    // Prepared (one text with locks, one without): every transaction of every request sends it.
    await trx.executeQuery(asPrepared(locks.length > 0 ? 'warden_bind_account_locking' : 'warden_bind_account', binding));
    return work(trx);
  });
}

/**
 * Runs `work` in a read-only, repeatable-read transaction bound to one account: every query sees
 * the same committed moment, so a report read in several queries is one consistent snapshot, and it
 * holds no lock a writer waits for.
 */
export async function inAccountSnapshot<T>(db: Kysely<Database>, accountId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // First, before any query: the transaction's mode can be set only then.
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      await sql`SELECT set_config('role', 'warden_app', true), set_config('warden.account_id', ${accountId}, true)`.execute(trx);
      return work(trx);
    });
}
