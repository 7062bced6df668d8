import { randomBytes } from 'node:crypto';
import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackedPolicyTooLargeError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * AWS STS API reference: AssumeRole and GetFederationToken answer PackedPolicySize, "a percentage
 * value that indicates the packed size of the session policies and session tags combined passed in
 * the request", and refuse a request over 100 percent with PackedPolicyTooLarge, even when the
 * plaintext limits are met. A refused request issues nothing.
 */
describe.each([...DRIVERS])('PackedPolicySize of assumeRole and getFederationToken on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  /** 50 tags at AWS's plaintext limits, of text that does not repeat: within every limit but the packed one. */
  const heavyTags = () => Array.from({ length: 50 }, (_, i) => ({ key: `k${i}-${randomBytes(96).toString('base64url')}`.slice(0, 128), value: randomBytes(192).toString('base64url') }));

  async function tenant() {
    const root = await newAccount(service);
    const { iam } = service;
    const u = await iam.users.create(root, { userName: 'u' });
    await iam.users.putInlinePolicy(root, 'u', 'sts', doc({ Effect: 'Allow', Action: ['sts:GetFederationToken', 'sts:AssumeRole', 'sts:TagSession'], Resource: '*' }));
    const role = await iam.roles.create(root, { roleName: 'r', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: u.arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }) });
    return { root, role, caller: userCaller(root.accountId, u) };
  }

  const sessionsOf = (accountId: string) =>
    inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('events').select('stream_id').where('account_id', '=', accountId).where('type', '=', 'SessionIssued').execute()).then(
      (rows) => rows.length,
    );

  it('answers the percentage for what was passed, and null when nothing was', async () => {
    const { role, caller } = await tenant();
    const policy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    expect((await service.iam.sts.assumeRole(caller, { roleArn: role.arn, roleSessionName: 'bare' })).packedPolicySize).toBeNull();
    const withPolicy = await service.iam.sts.assumeRole(caller, { roleArn: role.arn, roleSessionName: 'narrow', policy, tags: [{ key: 'team', value: 'ci' }] });
    expect(withPolicy.packedPolicySize).toBeGreaterThan(0);
    expect(withPolicy.packedPolicySize).toBeLessThanOrEqual(100);
    expect((await service.iam.sts.getFederationToken(caller, { name: 'bare' })).packedPolicySize).toBeNull();
    expect((await service.iam.sts.getFederationToken(caller, { name: 'fed', policy })).packedPolicySize).toBeGreaterThan(0);
  });

  it('refuses session tags that overflow the packed space, and issues no session', async () => {
    const { root, role, caller } = await tenant();
    const before = await sessionsOf(root.accountId);
    await expect(service.iam.sts.assumeRole(caller, { roleArn: role.arn, roleSessionName: 'heavy', tags: heavyTags() })).rejects.toThrow(PackedPolicyTooLargeError);
    await expect(service.iam.sts.getFederationToken(caller, { name: 'heavy', tags: heavyTags() })).rejects.toThrow(PackedPolicyTooLargeError);
    expect(await sessionsOf(root.accountId)).toBe(before);
  });
});
