import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { accountDecider } from './accounts/account.decider.js';

import { rootArn } from './kernel/arns.js';
import { handleCommand } from './kernel/command-handler.js';
import { newDataKeyId } from './keyring/data-key-id.js';
import { projectEvent } from './projections.js';
import type { Clock } from './kernel/command-context.js';
import { Keyring } from './crypto/index.js';
import { generateAccountId, generateSecretAccessKey, generateUniqueId } from './identifiers/index.js';
import { keyringDecider } from './keyring/keyring.decider.js';
import { KEYRING_STREAM } from './keyring/keyring.events.js';
import { LiveKeyring } from './keyring/live-keyring.js';
import { secretContext } from './kernel/encryption-contexts.js';

/**
 * The first start on an empty store: create the management account, the keyring's first data key
 * and the root user's access key, in one transaction (serialized across replicas by an advisory
 * lock), and write the root credentials to a file only the owner can read. The secret is never
 * logged: the caller prints the file's path.
 */
export interface BootstrapResult {
  readonly managementAccountId: string;
  readonly keyring: LiveKeyring;
  /** Set when this start created the management account. */
  readonly credentialsFile: string | undefined;
}

export interface BootstrapOptions {
  readonly db: Kysely<Database>;
  readonly masterKey: Buffer;
  readonly dataDir: string;
  readonly partition: string;
  readonly clock: Clock;
  readonly managementAccountName?: string;
}

export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const { db, masterKey, clock, partition } = options;
  let credentialsFile: string | undefined;
  const managementAccountId = await db.transaction().execute(async (outer) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('warden-bootstrap'))`.execute(outer);
    const existing = await outer.selectFrom('accounts').select('account_id').where('is_management', '=', true).executeTakeFirst();
    if (existing) return existing.account_id;
    const accountId = generateAccountId();
    const now = clock.now();
    const metadata = { actorArn: 'warden:bootstrap', resourceArn: rootArn(partition, accountId) };
    const keyId = newDataKeyId(now);
    const wrapped = Keyring.generateDataKey(masterKey, keyId, now);
    const keyring = Keyring.create(masterKey, [wrapped], keyId);
    const accessKeyId = generateUniqueId('AKIA');
    const secretAccessKey = generateSecretAccessKey();
    await sql`SELECT set_config('role', 'warden_app', true), set_config('warden.account_id', ${accountId}, true)`.execute(outer);
    const streamId = `account/${accountId}`;
    await handleCommand(outer, accountDecider, {
      accountId,
      streamId,
      command: { type: 'CreateAccount', accountId, name: options.managementAccountName ?? 'management', isManagement: true },
      metadata,
      occurredAt: now,
      project: projectEvent,
    });
    await handleCommand(outer, keyringDecider, {
      accountId,
      streamId: KEYRING_STREAM,
      command: { type: 'CreateDataKey', keyId, wrapped: wrapped.wrapped },
      metadata,
      occurredAt: now,
      project: projectEvent,
    });
    await handleCommand(outer, accountDecider, {
      accountId,
      streamId,
      command: { type: 'CreateRootAccessKey', accessKeyId, secret: keyring.encrypt(secretAccessKey, secretContext(accountId, accessKeyId)) },
      metadata,
      occurredAt: now,
      project: projectEvent,
    });
    credentialsFile = writeRootCredentials(options.dataDir, { accountId, accessKeyId, secretAccessKey, arn: rootArn(partition, accountId) });
    return accountId;
  });
  return { managementAccountId, keyring: await LiveKeyring.load(db, masterKey), credentialsFile };
}

function writeRootCredentials(dataDir: string, credentials: { accountId: string; accessKeyId: string; secretAccessKey: string; arn: string }): string {
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = join(directory, 'root-credentials.json');
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
