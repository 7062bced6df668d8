import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { passwordPolicyOf } from '../accounts/password-policy.js';
import { rootArn } from '../kernel/arns.js';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import type { CredentialReportSnapshot, ReportedAccessKey } from './credential-report-csv.js';

/**
 * What a credential report reports, read from the read models (and, for when a password was last
 * used, the console sign-ins' SessionIssued events: the sessions read model forgets a session when
 * it expires). Run it in one snapshot transaction, so that every row is of the same moment.
 */
export async function readCredentialReportSnapshot(db: Kysely<Database>, accountId: string, partition: string): Promise<CredentialReportSnapshot> {
  const account = await db.selectFrom('accounts').select(['created_at', 'root_login', 'settings']).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  const users = await db
    .selectFrom('users')
    .select(['user_id', 'user_name', 'arn', 'created_at', 'login_profile'])
    .where('account_id', '=', accountId)
    .orderBy('user_name_key')
    .orderBy('user_id')
    .execute();
  const keys = await db
    .selectFrom('access_keys')
    .leftJoin('access_key_usage', (join) => join.onRef('access_key_usage.account_id', '=', 'access_keys.account_id').onRef('access_key_usage.access_key_id', '=', 'access_keys.access_key_id'))
    .select(['access_keys.user_id', 'access_keys.status', 'access_keys.created_at', 'access_key_usage.last_used_at', 'access_key_usage.last_used_action'])
    .where('access_keys.account_id', '=', accountId)
    .execute();
  const mfaOwners = await db.selectFrom('mfa_devices').select('owner_id').distinct().where('account_id', '=', accountId).where('enabled_at', 'is not', null).execute();
  // A console session is issued by a password sign-in only: its issue is the password's use.
  const signIns = await db
    .selectFrom('events')
    .select([sql<string | null>`data->>'userId'`.as('user_id'), sql<Date>`max(occurred_at)`.as('last_used_at')])
    .where('account_id', '=', accountId)
    .where('type', '=', 'SessionIssued')
    .where(sql<boolean>`data->>'kind' = 'console'`)
    .groupBy(sql`data->>'userId'`)
    .execute();

  const owner = (userId: string | null) => userId ?? ROOT_OWNER;
  const keysOf = new Map<string, ReportedAccessKey[]>();
  for (const key of keys) {
    const list = keysOf.get(owner(key.user_id)) ?? [];
    list.push({ active: key.status === 'Active', createdAt: key.created_at, lastUsedAt: key.last_used_at, lastUsedAction: key.last_used_action });
    keysOf.set(owner(key.user_id), list);
  }
  const withMfa = new Set(mfaOwners.map((device) => device.owner_id));
  const lastSignIn = new Map(signIns.map((signIn) => [owner(signIn.user_id), new Date(signIn.last_used_at)]));

  return {
    root: {
      name: '',
      arn: rootArn(partition, accountId),
      createdAt: account.created_at,
      password: account.root_login ? { changedAt: new Date(account.root_login.passwordChangedAt), lastUsedAt: lastSignIn.get(ROOT_OWNER) ?? null } : null,
      mfaActive: withMfa.has(ROOT_OWNER),
      accessKeys: keysOf.get(ROOT_OWNER) ?? [],
    },
    users: users.map((user) => ({
      name: user.user_name,
      arn: user.arn,
      createdAt: user.created_at,
      password: user.login_profile ? { changedAt: new Date(user.login_profile.passwordChangedAt), lastUsedAt: lastSignIn.get(user.user_id) ?? null } : null,
      mfaActive: withMfa.has(user.user_id),
      accessKeys: keysOf.get(user.user_id) ?? [],
    })),
    maxPasswordAgeDays: passwordPolicyOf(account.settings)?.maxPasswordAge ?? null,
  };
}
