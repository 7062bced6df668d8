import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, IamService } from '../src/index.js';
import { loadChangedPolicies, loadPrincipalPolicies, withChangedPolicies } from '../src/authorization/principal-policy-loader.js';
import { AccountEpochs } from '../src/service/account-epochs.js';
import { anotherService, CountingObserver, DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (action: string) => doc({ Effect: 'Allow', Action: action, Resource: '*' });
const deny = (action: string) => doc({ Effect: 'Deny', Action: action, Resource: '*' });

/**
 * A write invalidates the principals it touches and nothing else in the account; a change made
 * anywhere is seen by the next request; concurrent misses share one load. Counted through the
 * service's observer: a `compiled-principals` miss is one load and compile of a principal's set,
 * a `compiled-policies` miss one policy version compiled, a `credentials` miss one key resolved.
 * Embedded, the service under test is the store's only writer (epochs kept in the process, as the
 * embedded server runs); on Postgres it reads the epoch per request, as a replica does.
 */
describe.each([...DRIVERS])('cache invalidation on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const epochSource = driver === 'pglite' ? 'process' : 'database';

  /** The root's question about `principal`, asked as a signed request would: at the epoch read now. */
  async function ask(iam: IamService, root: Caller, principal: string, action = 's3:GetObject') {
    const accountEpoch = await iam.core.epochs.current(root.accountId);
    return iam.authorization.authorize({ ...root, accountEpoch: accountEpoch! }, { principal, action, resource: '*' });
  }

  /** A service of its own on this store, a new account, and its user x with one managed policy p attached. */
  async function userWithPolicy() {
    const iam = anotherService(service, { epochSource });
    const root = await newAccount(service);
    const x = await iam.users.create(root, { userName: 'x' });
    const p = await iam.policies.create(root, { policyName: 'p', policyDocument: allow('s3:GetObject') });
    await iam.users.attachPolicy(root, 'x', p.arn);
    return { iam, root, x, p };
  }

  /** How many loads each principal's next question took (0: answered from the cache). */
  async function loads(iam: IamService, counts: CountingObserver, root: Caller, principals: Record<string, string>): Promise<Record<string, number>> {
    const taken: Record<string, number> = {};
    for (const [name, arn] of Object.entries(principals)) {
      const before = counts.misses('compiled-principals');
      await ask(iam, root, arn);
      taken[name] = counts.misses('compiled-principals') - before;
    }
    return taken;
  }

  async function resolutions(iam: IamService, counts: CountingObserver, keys: Record<string, string>): Promise<Record<string, number>> {
    const taken: Record<string, number> = {};
    for (const [name, accessKeyId] of Object.entries(keys)) {
      const before = counts.misses('credentials');
      await iam.credentials.resolve(accessKeyId);
      taken[name] = counts.misses('credentials') - before;
    }
    return taken;
  }

  /**
   * Users a (in group g, p attached), b (its own inline policy), c (in group g2, to which p is
   * attached); role r trusting a; a key for a and for b.
   */
  async function tenant(iam: IamService) {
    const root = await newAccount(service);
    const a = await iam.users.create(root, { userName: 'a' });
    const b = await iam.users.create(root, { userName: 'b' });
    const c = await iam.users.create(root, { userName: 'c' });
    await iam.groups.create(root, { groupName: 'g' });
    await iam.groups.create(root, { groupName: 'g2' });
    await iam.groups.addUser(root, 'g', 'a');
    await iam.groups.addUser(root, 'g2', 'c');
    const p = await iam.policies.create(root, { policyName: 'p', policyDocument: allow('s3:GetObject') });
    await iam.users.attachPolicy(root, 'a', p.arn);
    await iam.groups.attachPolicy(root, 'g2', p.arn);
    await iam.users.putInlinePolicy(root, 'a', 'assume', allow('sts:AssumeRole'));
    await iam.users.putInlinePolicy(root, 'b', 'own', allow('s3:GetObject'));
    const r = await iam.roles.create(root, { roleName: 'r', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: a.arn }, Action: 'sts:AssumeRole' }) });
    await iam.roles.putInlinePolicy(root, 'r', 'role-own', allow('s3:GetObject'));
    const keyA = (await iam.accessKeys.create(root, 'a')).accessKeyId;
    const keyB = (await iam.accessKeys.create(root, 'b')).accessKeyId;
    return { root, a, b, c, p, r, keyA, keyB, principals: { a: a.arn, b: b.arn, c: c.arn, r: r.arn } };
  }

  it('a write recompiles the principals it touches and nothing else, and re-resolves only the keys it touches', async () => {
    const counts = new CountingObserver();
    const iam = anotherService(service, { observer: counts, epochSource });
    const { root, a, p, r, keyA, keyB, principals } = await tenant(iam);
    await loads(iam, counts, root, principals);
    await resolutions(iam, counts, { keyA, keyB });
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 0, b: 0, c: 0, r: 0 });

    // A user's own change (a tag): that user alone, and with no policy compiled again.
    const compiledBefore = counts.misses('compiled-policies');
    await iam.users.tag(root, 'b', [{ key: 'team', value: 'blue' }]);
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 0, b: 1, c: 0, r: 0 });
    expect(counts.misses('compiled-policies')).toBe(compiledBefore);
    expect(await resolutions(iam, counts, { keyA, keyB })).toEqual({ keyA: 0, keyB: 1 });

    // A group's change: its members, and it counts at once.
    await iam.groups.putInlinePolicy(root, 'g', 'no-reads', deny('s3:GetObject'));
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 1, b: 0, c: 0, r: 0 });
    expect((await ask(iam, root, a.arn)).decision).toBe('explicit_deny');

    // A managed policy's new default version: every principal it is attached to, directly or through a group.
    await iam.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 1, b: 0, c: 1, r: 0 });
    expect((await ask(iam, root, principals.c, 's3:PutObject')).decision).toBe('allow');
    await iam.policies.setDefaultVersion(root, p.arn, 'v1');
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 1, b: 0, c: 1, r: 0 });
    expect((await ask(iam, root, principals.c, 's3:PutObject')).decision).toBe('implicit_deny');

    // A membership (an event of the user's stream): that user.
    await iam.groups.removeUser(root, 'g', 'a');
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 1, b: 0, c: 0, r: 0 });
    expect((await ask(iam, root, a.arn)).decision).toBe('allow');

    // A boundary: that user.
    await iam.users.putPermissionsBoundary(root, 'b', p.arn);
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 0, b: 1, c: 0, r: 0 });

    // A role and its sessions: a change to the role re-reads the session's key and set, a change to another principal neither.
    const session = await iam.sts.assumeRole({ ...userCaller(root.accountId, a), accountEpoch: (await iam.core.epochs.current(root.accountId))! }, { roleArn: r.arn, roleSessionName: 'session' });
    const sessionKey = session.credentials.accessKeyId;
    const sessionCaller = async () => {
      const resolved = (await iam.credentials.resolve(sessionKey))!;
      return { ...resolved.caller, requestContext: {}, accountEpoch: resolved.accountEpoch };
    };
    const sessionLoads = async () => {
      const before = counts.misses('compiled-principals');
      await iam.core.compiledCaller(await sessionCaller());
      return counts.misses('compiled-principals') - before;
    };
    await sessionLoads();
    await iam.users.tag(root, 'b', [{ key: 'team', value: 'red' }]);
    expect(await resolutions(iam, counts, { sessionKey })).toEqual({ sessionKey: 0 });
    expect(await sessionLoads()).toBe(0);
    await iam.roles.tag(root, 'r', [{ key: 'tier', value: '1' }]);
    expect(await resolutions(iam, counts, { sessionKey })).toEqual({ sessionKey: 1 });
    expect(await sessionLoads()).toBe(1);
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 0, b: 1, c: 0, r: 1 });

    // A key and its owner: deactivating a's key re-resolves it, and b's stays.
    await resolutions(iam, counts, { keyA, keyB });
    await iam.accessKeys.update(root, keyA, 'Inactive');
    expect(await resolutions(iam, counts, { keyA, keyB })).toEqual({ keyA: 1, keyB: 0 });
    expect((await iam.credentials.resolve(keyA))!.active).toBe(false);
    expect(await loads(iam, counts, root, principals)).toEqual({ a: 1, b: 0, c: 0, r: 0 });
  });

  it('a change to managed policies alone reads only those again and keeps the rest of the set; anything else with it reads the whole set', async () => {
    const counts = new CountingObserver();
    const iam = anotherService(service, { observer: counts, epochSource });
    const root = await newAccount(service);
    const x = await iam.users.create(root, { userName: 'x' });
    const p = await iam.policies.create(root, { policyName: 'p', policyDocument: allow('s3:GetObject') });
    const q = await iam.policies.create(root, { policyName: 'q', policyDocument: allow('s3:ListBucket') });
    await iam.users.attachPolicy(root, 'x', p.arn);
    await iam.users.attachPolicy(root, 'x', q.arn);
    await iam.users.putInlinePolicy(root, 'x', 'own', allow('ec2:DescribeInstances'));
    const authorizer = iam.core.authorizer;
    /** The decisions on x's three actions, and how many whole and partial loads and compiles asking took. */
    const state = async () => {
      const [partial, fromLog, principals, policies] = [authorizer.partialLoads, authorizer.partialLoadsFromLog, counts.misses('compiled-principals'), counts.misses('compiled-policies')];
      const decisions = [];
      for (const action of ['s3:GetObject', 's3:ListBucket', 'ec2:DescribeInstances']) decisions.push((await ask(iam, root, x.arn, action)).decision);
      return {
        decisions,
        partial: authorizer.partialLoads - partial,
        // Of those, the ones that took the changed policies from the epoch read that brought the change: no statement.
        fromLog: authorizer.partialLoadsFromLog - fromLog,
        whole: counts.misses('compiled-principals') - principals - (authorizer.partialLoads - partial),
        compiled: counts.misses('compiled-policies') - policies,
      };
    };
    expect(await state()).toEqual({ decisions: ['allow', 'allow', 'allow'], fromLog: 0, partial: 0, whole: 1, compiled: 3 });
    expect(await state()).toEqual({ decisions: ['allow', 'allow', 'allow'], fromLog: 0, partial: 0, whole: 0, compiled: 0 });

    // A new default version of p: p alone is read and compiled again, q and the inline policy kept.
    await iam.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    expect(await state()).toEqual({ decisions: ['implicit_deny', 'allow', 'allow'], fromLog: 1, partial: 1, whole: 0, compiled: 1 });
    // Back to v1, compiled before: read, not compiled.
    await iam.policies.setDefaultVersion(root, p.arn, 'v1');
    expect(await state()).toEqual({ decisions: ['allow', 'allow', 'allow'], fromLog: 1, partial: 1, whole: 0, compiled: 0 });
    // Both policies, then a version that is not the default: each a partial read.
    await iam.policies.createVersion(root, p.arn, deny('s3:*'), true);
    await iam.policies.createVersion(root, q.arn, allow('s3:PutObject'), true);
    expect(await state()).toEqual({ decisions: ['explicit_deny', 'explicit_deny', 'allow'], fromLog: 1, partial: 1, whole: 0, compiled: 2 });
    await iam.policies.createVersion(root, q.arn, allow('*'), false);
    expect(await state()).toEqual({ decisions: ['explicit_deny', 'explicit_deny', 'allow'], fromLog: 1, partial: 1, whole: 0, compiled: 0 });

    // The boundary is one of the set's policies too: a new default version of it replaces it.
    await iam.policies.setDefaultVersion(root, p.arn, 'v1');
    await iam.users.putPermissionsBoundary(root, 'x', q.arn);
    expect(await state()).toEqual({ decisions: ['implicit_deny', 'implicit_deny', 'implicit_deny'], fromLog: 0, partial: 0, whole: 1, compiled: 1 });
    await iam.policies.setDefaultVersion(root, q.arn, 'v3');
    expect(await state()).toEqual({ decisions: ['allow', 'allow', 'allow'], fromLog: 1, partial: 1, whole: 0, compiled: 2 });

    // A policy change with a change to the user itself: the whole set.
    await iam.policies.setDefaultVersion(root, q.arn, 'v1');
    await iam.users.deleteInlinePolicy(root, 'x', 'own');
    expect(await state()).toEqual({ decisions: ['implicit_deny', 'allow', 'implicit_deny'], fromLog: 0, partial: 0, whole: 1, compiled: 1 });
  });

  it("a request at an epoch before the changed policy's last change reads it with the statement, not from the log", async () => {
    const { iam, root, x, p } = await userWithPolicy();
    const authorizer = iam.core.authorizer;
    expect((await ask(iam, root, x.arn)).decision).toBe('allow');
    await iam.policies.createVersion(root, p.arn, allow('s3:ListBucket'), true);
    const between = (await iam.core.epochs.current(root.accountId))!;
    await iam.policies.createVersion(root, p.arn, allow('s3:*'), true);
    // The log has read both changes; a request that read its epoch between them cannot take v3 from it.
    await iam.core.epochs.current(root.accountId);
    const [partial, fromLog] = [authorizer.partialLoads, authorizer.partialLoadsFromLog];
    const answer = await iam.authorization.authorize({ ...root, accountEpoch: between }, { principal: x.arn, action: 's3:PutObject', resource: '*' });
    expect({ partial: authorizer.partialLoads - partial, fromLog: authorizer.partialLoadsFromLog - fromLog }).toEqual({ partial: 1, fromLog: 0 });
    // The statement reads the store as it is now: v3.
    expect(answer.decision).toBe('allow');
  });

  it('the epoch read and warden_changed_policies bring a changed policy alike: the set replaced from either is the set read whole', async () => {
    const { iam, root, x, p } = await userWithPolicy();
    const db = service.wardenDb.db;
    const owner = { accountId: root.accountId, type: 'user' as const, id: x.userId };
    // A log of its own, started before the change, so that its next read brings the change.
    const epochs = new AccountEpochs(db, 'database');
    await epochs.current(root.accountId);
    const before = await loadPrincipalPolicies(db, owner);
    await iam.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    const epoch = (await epochs.current(root.accountId))!;
    const changed = epochs.changedSince(root.accountId, before.epoch, before.dependsOn, epoch)!;
    expect(changed).toEqual([`policy/${p.policyId}`]);
    const whole = await loadPrincipalPolicies(db, owner);
    expect(withChangedPolicies(before, changed, epochs.policyDefaults(root.accountId, changed, epoch)!, epoch)).toEqual(whole);
    expect(await loadChangedPolicies(db, root.accountId, before)).toEqual(whole);
  });

  it('the partial read checks, in its own snapshot, that only the policies it reads changed, and that no change record is missing', async () => {
    const { iam, root, x, p } = await userWithPolicy();
    const db = service.wardenDb.db;
    const owner = { accountId: root.accountId, type: 'user' as const, id: x.userId };
    const before = await loadPrincipalPolicies(db, owner);

    await iam.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    const refreshed = await loadChangedPolicies(db, root.accountId, before);
    const whole = await loadPrincipalPolicies(db, owner);
    expect(refreshed).toEqual(whole);
    expect(refreshed!.identityPolicies[0]!.version).toMatch(/\|v2$/);

    // Whatever the process's own log said: a change to the user since is found in the store.
    await iam.users.tag(root, 'x', [{ key: 'team', value: 'red' }]);
    expect(await loadChangedPolicies(db, root.accountId, whole)).toBeUndefined();
    // A deleted policy (detached first) is not replaced but read whole, as the whole read skips it.
    const afterTag = await loadPrincipalPolicies(db, owner);
    await iam.users.detachPolicy(root, 'x', p.arn);
    expect(await loadChangedPolicies(db, root.accountId, { ...afterTag, dependsOn: afterTag.dependsOn.filter((entity) => entity.startsWith('policy/')) })).toEqual(
      expect.objectContaining({ identityPolicies: afterTag.identityPolicies }),
    );
    await iam.policies.deleteVersion(root, p.arn, 'v1');
    await iam.policies.delete(root, p.arn);
    expect(await loadChangedPolicies(db, root.accountId, { ...afterTag, dependsOn: afterTag.dependsOn.filter((entity) => entity.startsWith('policy/')) })).toBeUndefined();

    // Change records pruned (or an epoch bumped without one): not known, so read whole.
    const q = await iam.policies.create(root, { policyName: 'q', policyDocument: allow('s3:GetObject') });
    await iam.users.attachPolicy(root, 'x', q.arn);
    const withQ = await loadPrincipalPolicies(db, owner);
    await iam.policies.createVersion(root, q.arn, allow('s3:PutObject'), true);
    expect(await loadChangedPolicies(db, root.accountId, withQ)).toBeDefined();
    await sql`DELETE FROM account_changes WHERE account_id = ${root.accountId} AND epoch = (SELECT max(epoch) FROM account_changes WHERE account_id = ${root.accountId})`.execute(db);
    expect(await loadChangedPolicies(db, root.accountId, withQ)).toBeUndefined();
  });

  it('a policy version is compiled once, whatever the number of principals that use it', async () => {
    const counts = new CountingObserver();
    const iam = anotherService(service, { observer: counts, epochSource });
    const root = await newAccount(service);
    const shared = await iam.policies.create(root, { policyName: 'shared', policyDocument: allow('s3:GetObject') });
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const user = await iam.users.create(root, { userName: `u${i}` });
      await iam.users.attachPolicy(root, `u${i}`, shared.arn);
      arns.push(user.arn);
    }
    const before = counts.misses('compiled-policies');
    for (const arn of arns) expect((await ask(iam, root, arn)).decision).toBe('allow');
    expect(counts.misses('compiled-policies') - before).toBe(1);
  });

  it('concurrent misses for one principal share one load and one compile; for one key, one resolution', async () => {
    const writer = anotherService(service, { epochSource });
    const { root, a, keyA } = await tenant(writer);
    const counts = new CountingObserver();
    const cold = anotherService(service, { observer: counts });
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(cold, root, a.arn)));
    expect(new Set(answers.map((answer) => answer.decision))).toEqual(new Set(['allow']));
    expect(counts.misses('compiled-principals')).toBe(1);
    // a's set: p and its inline policy, and g has none yet.
    expect(counts.misses('compiled-policies')).toBe(2);
    const resolved = await Promise.all(Array.from({ length: 20 }, () => cold.credentials.resolve(keyA)));
    expect(resolved.every((credential) => credential?.caller.userId === a.userId)).toBe(true);
    expect(counts.misses('credentials')).toBe(1);
  });

  it.runIf(driver === 'postgres')('another replica sees a change on its next request: own policies, a group, a policy version, a key', async () => {
    const first = anotherService(service);
    const counts = new CountingObserver();
    const second = anotherService(service, { observer: counts });
    const { root, a, c, p, keyA } = await tenant(first);
    expect((await ask(second, root, a.arn)).decision).toBe('allow');
    expect((await ask(second, root, c.arn, 's3:PutObject')).decision).toBe('implicit_deny');
    expect((await second.credentials.resolve(keyA))!.active).toBe(true);

    await first.users.putInlinePolicy(root, 'a', 'no-reads', deny('s3:GetObject'));
    expect((await ask(second, root, a.arn)).decision).toBe('explicit_deny');
    await first.users.deleteInlinePolicy(root, 'a', 'no-reads');
    expect((await ask(second, root, a.arn)).decision).toBe('allow');
    await first.groups.putInlinePolicy(root, 'g', 'no-reads', deny('s3:GetObject'));
    expect((await ask(second, root, a.arn)).decision).toBe('explicit_deny');
    await first.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    expect((await ask(second, root, c.arn, 's3:PutObject')).decision).toBe('allow');
    await first.accessKeys.update(root, keyA, 'Inactive');
    expect((await second.credentials.resolve(keyA))!.active).toBe(false);
  });
});
