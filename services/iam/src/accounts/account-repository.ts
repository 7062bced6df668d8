import type { AccountStatus, Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import type { Account } from './account.js';
import { toAccount } from './account-mapper.js';

export async function findAccount(db: Kysely<Database>, accountId: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row && toAccount(row);
}

export async function requireAccount(db: Kysely<Database>, accountId: string): Promise<Account> {
  const account = await findAccount(db, accountId);
  if (!account) throw new NoSuchEntityError('The account cannot be found.');
  return account;
}

/** Which accounts a listing answers: by status, and by a part of the name (case-insensitive). */
export interface AccountFilter {
  readonly status?: AccountStatus | null;
  readonly nameContains?: string | null;
}

/** Every account of the platform, by account id (the page's cursor), for the management account. */
export async function listAccounts(db: Kysely<Database>, filter: AccountFilter, page: { after?: string | null; first: number }): Promise<Account[]> {
  let query = db.selectFrom('accounts').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  // strpos, not LIKE: the part asked for is matched as typed, % and _ included.
  if (filter.nameContains) query = query.where(sql<number>`strpos(lower(${sql.ref('name')}), lower(${filter.nameContains}))`, '>', 0);
  if (page.after) query = query.where('account_id', '>', page.after);
  return (await query.orderBy('account_id').limit(page.first).execute()).map(toAccount);
}

/** The platform's management account, read as the store's owner (it is not the reader's account). */
export async function managementAccountId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('accounts').select('account_id').where('is_management', '=', true).executeTakeFirstOrThrow();
  return row.account_id;
}
