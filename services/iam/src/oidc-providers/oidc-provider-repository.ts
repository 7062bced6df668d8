import type { Database, OidcProviderRow } from '@warden/db';
import type { Kysely } from 'kysely';
import type { OidcProvider } from './oidc-provider.js';
import { toOidcProvider } from './oidc-provider-mapper.js';

/** The row (with its stream's id) of the account's provider for an issuer URL (without `https://`). */
export function findOidcProviderRowByUrl(db: Kysely<Database>, accountId: string, url: string): Promise<OidcProviderRow | undefined> {
  return db.selectFrom('oidc_providers').selectAll().where('account_id', '=', accountId).where('url', '=', url).executeTakeFirst();
}

export async function findOidcProviderByUrl(db: Kysely<Database>, accountId: string, url: string): Promise<OidcProvider | undefined> {
  const row = await findOidcProviderRowByUrl(db, accountId, url);
  return row && toOidcProvider(row);
}

export async function countOidcProviders(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('oidc_providers')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A page of the account's providers in URL order, after the URL `after`. */
export async function listOidcProviders(db: Kysely<Database>, accountId: string, page: { after?: string | null; first?: number } = {}): Promise<OidcProvider[]> {
  let query = db.selectFrom('oidc_providers').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where('url', '>', page.after);
  query = query.orderBy('url');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toOidcProvider);
}
