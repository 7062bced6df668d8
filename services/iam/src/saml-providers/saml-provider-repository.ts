import type { Database, SamlProviderRow } from '@warden/db';
import type { Kysely } from 'kysely';
import type { SamlProvider } from './saml-provider.js';
import { parseSamlProviderArn } from './saml-provider-arn.js';
import { toSamlProvider } from './saml-provider-mapper.js';

/** The row (with its stream's id) of the account's provider of that name. */
export function findSamlProviderRowByName(db: Kysely<Database>, accountId: string, name: string): Promise<SamlProviderRow | undefined> {
  return db.selectFrom('saml_providers').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
}

export async function findSamlProviderByName(db: Kysely<Database>, accountId: string, name: string): Promise<SamlProvider | undefined> {
  const row = await findSamlProviderRowByName(db, accountId, name);
  return row && toSamlProvider(row);
}

/**
 * The account's provider an ARN names, or undefined when it names none of this account (another
 * account's or partition's ARN, or not a SAML provider ARN). For the assertion's side: the provider's
 * name, entity id and signing certificates, read in the caller's account transaction, without
 * parsing its metadata again.
 */
export async function findSamlProviderByArn(db: Kysely<Database>, accountId: string, arn: string): Promise<SamlProvider | undefined> {
  const parsed = parseSamlProviderArn(arn);
  if (!parsed || parsed.accountId !== accountId) return undefined;
  const provider = await findSamlProviderByName(db, accountId, parsed.name);
  return provider?.arn === arn ? provider : undefined;
}

export async function countSamlProviders(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('saml_providers')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A page of the account's providers in name order, after the name `after`. */
export async function listSamlProviders(db: Kysely<Database>, accountId: string, page: { after?: string | null; first?: number } = {}): Promise<SamlProvider[]> {
  let query = db.selectFrom('saml_providers').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where('name', '>', page.after);
  query = query.orderBy('name');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toSamlProvider);
}
