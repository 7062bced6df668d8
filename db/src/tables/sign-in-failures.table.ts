import type { Selectable } from 'kysely';

/**
 * Consecutive console sign-in failures per subject (`user:NAME` in lower case, or `ip:ADDRESS`),
 * from which sign-in throttling and lockout are decided. A success clears the user's row; an
 * admin can clear either.
 */
export interface SignInFailuresTable {
  account_id: string;
  subject: string;
  failures: number;
  last_failure_at: Date;
}

export type SignInFailureRow = Selectable<SignInFailuresTable>;
