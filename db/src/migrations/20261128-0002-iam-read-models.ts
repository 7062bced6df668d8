import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

/** The IAM read models that authorization depends on, projected inline from the events. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('account_id', 'text', (col) => col.primaryKey())
    .addColumn('alias', 'text', (col) => col.unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('is_management', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('quotas', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('settings', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    // Bumped by every committed change in the account: caches of compiled policies compare it.
    .addColumn('change_epoch', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute();

  const named = async (table: string, idColumn: string, nameColumn: string, extra: (builder: CreateTableBuilder<string, string>) => CreateTableBuilder<string, string>): Promise<void> => {
    let builder = db.schema
      .createTable(table)
      .addColumn('account_id', 'text', (col) => col.notNull())
      .addColumn(idColumn, 'text', (col) => col.notNull())
      .addColumn(nameColumn, 'text', (col) => col.notNull())
      .addColumn(`${nameColumn}_key`, 'text', (col) => col.notNull())
      .addColumn('path', 'text', (col) => col.notNull())
      .addColumn('arn', 'text', (col) => col.notNull())
      .addColumn('created_at', 'timestamptz', (col) => col.notNull());
    builder = extra(builder);
    await builder
      .addPrimaryKeyConstraint(`${table}_pk`, ['account_id', idColumn])
      .addUniqueConstraint(`${table}_name_unique`, ['account_id', `${nameColumn}_key`])
      .execute();
  };
  await named('users', 'user_id', 'user_name', (b) => b.addColumn('permissions_boundary_arn', 'text').addColumn('tags', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`)));
  await named('groups', 'group_id', 'group_name', (b) => b);
  await named('roles', 'role_id', 'role_name', (b) =>
    b
      .addColumn('trust_policy', 'text', (col) => col.notNull())
      .addColumn('description', 'text')
      .addColumn('max_session_duration', 'integer', (col) => col.notNull())
      .addColumn('permissions_boundary_arn', 'text')
      .addColumn('tags', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`)),
  );
  await named('policies', 'policy_id', 'policy_name', (b) =>
    b
      .addColumn('description', 'text')
      .addColumn('default_version_id', 'text', (col) => col.notNull())
      .addColumn('next_version_number', 'integer', (col) => col.notNull())
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull()),
  );
  await db.schema.createIndex('policies_arn').on('policies').columns(['account_id', 'arn']).unique().execute();

  await db.schema
    .createTable('group_memberships')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('group_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('added_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('group_memberships_pk', ['account_id', 'group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_memberships_by_user').on('group_memberships').columns(['account_id', 'user_id']).execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('policy_id', 'text', (col) => col.notNull())
    .addColumn('version_id', 'text', (col) => col.notNull())
    .addColumn('document', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('policy_versions_pk', ['account_id', 'policy_id', 'version_id'])
    .execute();

  await db.schema
    .createTable('policy_attachments')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('principal_type', 'text', (col) => col.notNull())
    .addColumn('principal_id', 'text', (col) => col.notNull())
    .addColumn('policy_arn', 'text', (col) => col.notNull())
    .addColumn('attached_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('policy_attachments_pk', ['account_id', 'principal_type', 'principal_id', 'policy_arn'])
    .execute();
  await db.schema.createIndex('policy_attachments_by_policy').on('policy_attachments').columns(['account_id', 'policy_arn']).execute();

  await db.schema
    .createTable('inline_policies')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('principal_type', 'text', (col) => col.notNull())
    .addColumn('principal_id', 'text', (col) => col.notNull())
    .addColumn('policy_name', 'text', (col) => col.notNull())
    .addColumn('document', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('inline_policies_pk', ['account_id', 'principal_type', 'principal_id', 'policy_name'])
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('access_key_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('secret', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('access_keys_pk', ['account_id', 'access_key_id'])
    .execute();
  await db.schema.createIndex('access_keys_by_user').on('access_keys').columns(['account_id', 'user_id']).execute();

  await db.schema
    .createTable('access_key_lookup')
    .addColumn('access_key_id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('keyring_keys')
    .addColumn('key_id', 'text', (col) => col.primaryKey())
    .addColumn('wrapped', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('active', 'boolean', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'keyring_keys',
    'access_key_lookup',
    'access_keys',
    'inline_policies',
    'policy_attachments',
    'policy_versions',
    'group_memberships',
    'policies',
    'roles',
    'groups',
    'users',
    'accounts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
