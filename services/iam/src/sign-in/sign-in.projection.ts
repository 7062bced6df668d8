import type { Database, StoredEvent } from '@warden/db';
import { sql, type Transaction } from 'kysely';
import type { SignInEvent } from './sign-in.events.js';

/** The failure counters that sign-in throttling reads. */
export async function projectSignInEvent(trx: Transaction<Database>, stored: StoredEvent, event: SignInEvent): Promise<void> {
  const accountId = stored.accountId;
  switch (event.type) {
    case 'SignInFailed':
      for (const count of event.data.counts) {
        await trx
          .insertInto('sign_in_failures')
          .values({ account_id: accountId, subject: count.subject, failures: 1, last_failure_at: stored.occurredAt })
          .onConflict((oc) =>
            oc.columns(['account_id', 'subject']).doUpdateSet({
              failures: sql<number>`CASE WHEN sign_in_failures.last_failure_at <= ${new Date(stored.occurredAt.getTime() - count.forgetAfterSeconds * 1000)} THEN 1 ELSE sign_in_failures.failures + 1 END`,
              last_failure_at: stored.occurredAt,
            }),
          )
          .execute();
      }
      return;
    case 'SignInSucceeded':
      if (event.data.clearedSubjects.length > 0) await trx.deleteFrom('sign_in_failures').where('account_id', '=', accountId).where('subject', 'in', event.data.clearedSubjects).execute();
      return;
    case 'SignInLockoutCleared':
      await trx.deleteFrom('sign_in_failures').where('account_id', '=', accountId).where('subject', '=', event.data.subject).execute();
      return;
  }
}
