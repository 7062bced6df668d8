import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IamError, replayReadModels } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * `warden replay` equivalence: after a randomized sequence of 1,000 mutations (many of which fail
 * with typed errors, as real traffic does), rebuilding the account's read models from its events
 * gives exactly the live rows.
 */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const doc = (action: string): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe.each([...DRIVERS])('replay after 1,000 random mutations on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('rebuilds exactly the live read models', { timeout: 240_000 }, async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const random = seeded(driver === 'pglite' ? 7 : 11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const users = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
    const groups = ['ops', 'dev', 'qa'];
    const roles = ['deployer', 'auditor'];
    const awsPolicies = ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess', 'arn:aws:iam::aws:policy/PowerUserAccess'];
    const customer: string[] = [];
    const keys: string[] = [];
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: root.accountId }, Action: 'sts:AssumeRole' }] });
    const operations: (() => Promise<unknown>)[] = [
      () => iam.users.create(root, { userName: pick(users), tags: [{ key: 'team', value: pick(groups) }] }),
      () => iam.users.delete(root, pick(users)),
      () => iam.users.tag(root, pick(users), [{ key: pick(['env', 'Env', 'cost']), value: pick(['a', 'b']) }]),
      () => iam.users.untag(root, pick(users), [pick(['env', 'cost', 'team'])]),
      () => iam.groups.create(root, { groupName: pick(groups) }),
      () => iam.groups.delete(root, pick(groups)),
      () => iam.users.addToGroup(root, pick(groups), pick(users)),
      () => iam.users.removeFromGroup(root, pick(groups), pick(users)),
      () => iam.users.attachPolicy(root, pick(users), pick([...awsPolicies, ...customer])),
      () => iam.users.detachPolicy(root, pick(users), pick([...awsPolicies, ...customer])),
      () => iam.groups.attachPolicy(root, pick(groups), pick([...awsPolicies, ...customer])),
      () => iam.users.putInlinePolicy(root, pick(users), pick(['p1', 'p2']), doc(pick(['s3:GetObject', 'sqs:*']))),
      () => iam.users.deleteInlinePolicy(root, pick(users), pick(['p1', 'p2'])),
      () => iam.roles.create(root, { roleName: pick(roles), assumeRolePolicyDocument: trust }),
      () => iam.roles.attachPolicy(root, pick(roles), pick(awsPolicies)),
      () => iam.roles.detachPolicy(root, pick(roles), pick(awsPolicies)),
      () => iam.roles.delete(root, pick(roles)),
      async () => customer.push((await iam.policies.create(root, { policyName: `cp${customer.length}`, policyDocument: doc('s3:List*') })).arn),
      () => iam.policies.createVersion(root, pick(customer.length ? customer : ['arn:aws:iam::000000000000:policy/none']), doc(pick(['s3:Get*', 'ec2:Describe*'])), random() < 0.5),
      () => iam.policies.setDefaultVersion(root, pick(customer.length ? customer : ['arn:aws:iam::000000000000:policy/none']), pick(['v1', 'v2', 'v3'])),
      async () => keys.push((await iam.accessKeys.create(root, pick(users))).accessKeyId),
      () => iam.accessKeys.update(root, pick(keys.length ? keys : ['AKIANONEXISTENT00000']), pick(['Active', 'Inactive'] as const)),
      () => iam.accessKeys.delete(root, pick(keys.length ? keys : ['AKIANONEXISTENT00000'])),
    ];
    let succeeded = 0;
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        await pick(operations)();
        succeeded++;
      } catch (error) {
        // Only typed IAM errors are acceptable: anything else is a bug.
        if (!(error instanceof IamError)) throw error;
        refused++;
      }
    }
    expect(succeeded).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(50);
    const report = await replayReadModels(service.wardenDb.db, { accountId: root.accountId });
    expect(report.tables.filter((table) => !table.equal)).toEqual([]);
    expect(report.events).toBeGreaterThan(200);
  });
});
