import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { driversUnderTest, migratedPGliteTemplate } from '@warden/db/testing';
import { freezeKeptStates, StreamFolds } from '../src/kernel/stream-folds.js';
import { bootstrap, type Caller, type EpochSource, IamService, type IamCacheName, type IamObserver, type User } from '../src/index.js';

/**
 * A service on each driver under test (`driversUnderTest`): embedded PGlite, the real Postgres when
 * DATABASE_URL is set (and required when WARDEN_REQUIRE_SERVICES=1, as CI sets it). A fixed master key, so the
 * shared Postgres keeps one keyring across runs; each test then works in an account of its own.
 */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) console.warn('DATABASE_URL is not set: the Postgres variants of these tests are skipped (PGlite still runs).');

export interface ServiceUnderTest {
  readonly wardenDb: WardenDb;
  readonly iam: IamService;
  readonly managementRoot: Caller;
}

export const DRIVERS = driversUnderTest();

/**
 * The suites race more writers than the pool has connections (50 on one stream against 20), and
 * pg bounds a wait for a free connection by the connect timeout: 2 s by default, of which such a
 * race used 0.6 s on a loaded machine. Waiting for the pool is not what they test.
 */
const TEST_TIMEOUTS = { connectMs: 30_000 };

export async function openService(driver: 'pglite' | 'postgres'): Promise<ServiceUnderTest> {
  const wardenDb = await createDb(driver === 'postgres' ? { databaseUrl, poolSize: 20, timeouts: TEST_TIMEOUTS } : { dataDir: 'memory', template: await migratedPGliteTemplate() });
  await migrateToLatest(wardenDb.db);
  const boot = await bootstrap({ db: wardenDb.db, masterKey: TEST_MASTER_KEY, dataDir: '/tmp/warden-test-bootstrap', partition: 'aws', clock: { now: () => new Date() } });
  const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, streamFolds: frozenFolds() });
  const managementRoot = rootCaller(boot.managementAccountId);
  return { wardenDb, iam, managementRoot };
}

/**
 * Kept folds whose states are frozen: a decider that changed a state it was given, or an answer
 * built from one that changed it, throws in every suite that uses these services.
 */
export function frozenFolds(): StreamFolds {
  return new StreamFolds({}, freezeKeptStates);
}

export function rootCaller(accountId: string): Caller {
  return { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
}

export function userCaller(accountId: string, user: Pick<User, 'userId' | 'userName' | 'arn'>, context: Record<string, string> = {}): Caller {
  return { accountId, arn: user.arn, kind: 'user', userId: user.userId, userName: user.userName, requestContext: context };
}

/**
 * A user of the root's account with an inline policy `rules` (when given) and an access key,
 * calling as a signed request would: its key, a request id, an address, a user agent, and the
 * account's epoch as authentication reads it.
 */
export async function signedUser(service: ServiceUnderTest, root: Caller, userName: string, policy?: string): Promise<Caller> {
  const created = await service.iam.users.create(root, { userName });
  if (policy) await service.iam.users.putInlinePolicy(root, userName, 'rules', policy);
  const key = await service.iam.accessKeys.create(root, userName);
  return {
    ...userCaller(root.accountId, created),
    accessKeyId: key.accessKeyId,
    requestId: `req-${userName}`,
    sourceIp: '198.51.100.7',
    userAgent: 'aws-sdk-js/3 test',
    accountEpoch: (await service.iam.core.epochs.current(root.accountId))!,
  };
}

/** A fresh tenant account and its root caller. */
export async function newAccount(service: ServiceUnderTest): Promise<Caller> {
  const created = await service.iam.accounts.create(service.managementRoot, { name: `test-${Math.random().toString(36).slice(2, 8)}` });
  return rootCaller(created.account.accountId);
}

/** Counts the caches' misses (a principal's load and compile, a policy version's compile, a key's resolution). */
export class CountingObserver implements IamObserver {
  private readonly counts = new Map<IamCacheName, number>();
  authorized(): void {}
  cache(cache: IamCacheName, result: 'hit' | 'miss'): void {
    if (result === 'miss') this.counts.set(cache, this.misses(cache) + 1);
  }
  eventsAppended(): void {}
  callRecords(): void {}
  lastAccessedLost(): void {}
  misses(cache: IamCacheName): number {
    return this.counts.get(cache) ?? 0;
  }
}

/**
 * Another service on the same store, as another replica (or, embedded, the server) would be: its own
 * caches, told to `observer`. `epochSource: 'process'` only for the store's one writer.
 */
export function anotherService(service: ServiceUnderTest, options: { observer?: IamObserver; epochSource?: EpochSource; streamFolds?: StreamFolds } = {}): IamService {
  return new IamService({ db: service.wardenDb.db, keyring: service.iam.core.keyring, streamFolds: frozenFolds(), ...options });
}
