import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
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
