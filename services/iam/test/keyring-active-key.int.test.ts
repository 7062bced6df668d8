import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, IamService, LiveKeyring } from '../src/index.js';
import { TEST_MASTER_KEY, frozenFolds } from './test-service.js';

/**
 * What readiness asks of the keyring: the data key the store calls active is one this process can
 * encrypt under. Embedded only: a rotation on the shared Postgres would rotate every other test's
 * keyring under it.
 */
describe('LiveKeyring.checkActiveKey', () => {
  let wardenDb: WardenDb;
  let keyring: LiveKeyring;
  let iam: IamService;
  beforeAll(async () => {
    wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: TEST_MASTER_KEY, dataDir: '/tmp/warden-test-bootstrap', partition: 'aws', clock: { now: () => new Date() } });
    keyring = boot.keyring;
    iam = new IamService({ streamFolds: frozenFolds(), db: wardenDb.db, keyring });
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  it('passes when the active key is loaded, and loads one that a rotation elsewhere made active', async () => {
    await keyring.checkActiveKey();
    // Another process's view, loaded before the rotation.
    const elsewhere = await LiveKeyring.load(wardenDb.db, TEST_MASTER_KEY);
    const before = elsewhere.activeKeyId;
    const rotation = await iam.maintenance.rotateKeyringIfDue(keyring, 0);
    expect(rotation.rotated).toBe(true);
    expect(elsewhere.knows(rotation.activeKeyId)).toBe(false);
    await elsewhere.checkActiveKey();
    expect(elsewhere.knows(rotation.activeKeyId)).toBe(true);
    expect(elsewhere.activeKeyId).toBe(rotation.activeKeyId);
    expect(elsewhere.activeKeyId).not.toBe(before);
  });

  it('fails when the store has no active data key', async () => {
    await wardenDb.db.updateTable('keyring_keys').set({ active: false }).execute();
    await expect(keyring.checkActiveKey()).rejects.toThrow('the keyring has no active data key');
  });
});
