import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizeAnswer, type Caller, IamError, IamService, PointInTimeChecks } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, frozenFolds } from './test-service.js';

/**
 * A property over random histories: whatever the writes (users, groups and roles created, renamed
 * and deleted; managed policies with versions made, made default and deleted; attachments, inline
 * policies, memberships, boundaries and tags), the point-in-time answer at an instant is the answer
 * the live `authorize` gave at that instant, for every principal and question; at the current time
 * too; and the fold from snapshots (taken every few events here) answers as a fresh fold from the
 * first event does.
 */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const DOCUMENTS = [
  { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
  { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::secret/*' },
  { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
  { Effect: 'Allow', Action: ['iam:Get*', 's3:PutObject'], Resource: '*' },
  { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } },
  { Effect: 'Allow', Action: '*', Resource: '*' },
].map((statement) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));

const QUESTIONS = [
  { action: 's3:GetObject', resource: 'arn:aws:s3:::public/a' },
  { action: 's3:GetObject', resource: 'arn:aws:s3:::secret/b' },
  { action: 's3:PutObject', resource: 'arn:aws:s3:::public/c' },
  { action: 'iam:GetUser', resource: '*' },
  { action: 'ec2:RunInstances', resource: '*' },
];

type Outcome = { decision: AuthorizeAnswer['decision']; matched: string[] } | 'NoSuchEntity';

function outcomeOf(answer: AuthorizeAnswer): Outcome {
  return { decision: answer.decision, matched: answer.matched.map((statement) => `${statement.source}:${statement.policyArn ?? statement.policyName}:${statement.effect}`).sort() };
}

describe.each([...DRIVERS])('point-in-time answers over random histories on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('equal the live answers of their time, from snapshots or from the first event', { timeout: 240_000 }, async () => {
    const root: Caller = await newAccount(service);
    let now = new Date(Date.now() + 60_000);
    const clock = { now: () => now };
    const iam = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, clock });
    const fromSnapshots = new PointInTimeChecks(iam.core, iam.authorization, { useSnapshots: true, snapshotInterval: 7 });
    const fresh = new PointInTimeChecks(iam.core, iam.authorization, { useSnapshots: false, snapshotInterval: 0 });
    const random = seeded(driver === 'pglite' ? 16 : 61);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const userNames = ['ann', 'ben', 'cat', 'dan'];
    const groupNames = ['ops', 'dev'];
    const roleNames = ['deployer', 'auditor'];
    const customer = ['p1', 'p2', 'p3'].map((name) => `arn:aws:iam::${root.accountId}:policy/${name}`);
    const managed = [...customer, 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'];
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${root.accountId}:root` }, Action: 'sts:AssumeRole' }] });
    const principals = [...userNames.map((name) => `arn:aws:iam::${root.accountId}:user/${name}`), ...roleNames.map((name) => `arn:aws:iam::${root.accountId}:role/${name}`)];
    const holder = () => (random() < 0.6 ? { ops: iam.users, name: pick(userNames) } : random() < 0.5 ? { ops: iam.groups, name: pick(groupNames) } : { ops: iam.roles, name: pick(roleNames) });
    const tagged = () => (random() < 0.6 ? { ops: iam.users, name: pick(userNames) } : { ops: iam.roles, name: pick(roleNames) });
    const mutations: (() => Promise<unknown>)[] = [
      () => iam.users.create(root, { userName: pick(userNames), ...(random() < 0.3 ? { tags: [{ key: 'team', value: pick(['red', 'blue']) }] } : {}) }),
      () => iam.users.delete(root, pick(userNames)),
      () => iam.users.update(root, pick(userNames), { newUserName: pick(userNames) }),
      () => iam.groups.create(root, { groupName: pick(groupNames) }),
      () => iam.groups.delete(root, pick(groupNames)),
      () => iam.roles.create(root, { roleName: pick(roleNames), assumeRolePolicyDocument: trust }),
      () => iam.roles.delete(root, pick(roleNames)),
      () => iam.policies.create(root, { policyName: pick(['p1', 'p2', 'p3']), policyDocument: pick(DOCUMENTS) }),
      () => iam.policies.createVersion(root, pick(customer), pick(DOCUMENTS), random() < 0.5),
      () => iam.policies.setDefaultVersion(root, pick(customer), pick(['v1', 'v2', 'v3', 'v4'])),
      () => iam.policies.deleteVersion(root, pick(customer), pick(['v1', 'v2', 'v3'])),
      () => iam.policies.delete(root, pick(customer)),
      () => {
        const { ops, name } = holder();
        return ops.attachPolicy(root, name, pick(managed));
      },
      () => {
        const { ops, name } = holder();
        return ops.detachPolicy(root, name, pick(managed));
      },
      () => {
        const { ops, name } = holder();
        return ops.putInlinePolicy(root, name, pick(['a', 'b']), pick(DOCUMENTS));
      },
      () => {
        const { ops, name } = holder();
        return ops.deleteInlinePolicy(root, name, pick(['a', 'b']));
      },
      () => iam.groups.addUser(root, pick(groupNames), pick(userNames)),
      () => iam.groups.removeUser(root, pick(groupNames), pick(userNames)),
      () => {
        const { ops, name } = tagged();
        return ops.tag(root, name, [{ key: 'team', value: pick(['red', 'blue']) }]);
      },
      () => {
        const { ops, name } = tagged();
        return ops.untag(root, name, ['team']);
      },
      () => {
        const { ops, name } = tagged();
        return ops.putPermissionsBoundary(root, name, pick(managed));
      },
      () => {
        const { ops, name } = tagged();
        return ops.deletePermissionsBoundary(root, name);
      },
    ];

    const live = async (principal: string): Promise<Outcome[]> => {
      try {
        return (
          await iam.authorization.authorizeMany(
            root,
            QUESTIONS.map((question) => ({ principal, ...question })),
          )
        ).map(outcomeOf);
      } catch (error) {
        if (error instanceof IamError && error.code === 'NoSuchEntity') return QUESTIONS.map(() => 'NoSuchEntity');
        throw error;
      }
    };
    const asOf = async (checks: PointInTimeChecks, principal: string, at: Date): Promise<Outcome[]> => {
      try {
        return (
          await checks.authorizeAt(
            root,
            QUESTIONS.map((question) => ({ principal, ...question, at })),
          )
        ).map(outcomeOf);
      } catch (error) {
        if (error instanceof IamError && error.code === 'NoSuchEntity') return QUESTIONS.map(() => 'NoSuchEntity');
        throw error;
      }
    };

    const recorded: { at: Date; principal: string; outcomes: Outcome[] }[] = [];
    let succeeded = 0;
    for (let step = 0; step < 600; step++) {
      now = new Date(now.getTime() + 1000);
      try {
        await pick(mutations)();
        succeeded++;
      } catch (error) {
        if (!(error instanceof IamError)) throw error;
      }
      if (step % 20 === 19) {
        now = new Date(now.getTime() + 500);
        for (const principal of principals) recorded.push({ at: now, principal, outcomes: await live(principal) });
        // Snapshot folds are exercised while the history grows, so later ones start from earlier ones.
        expect(await asOf(fromSnapshots, principals[step % principals.length]!, now)).toEqual(
          recorded.find((entry) => entry.at === now && entry.principal === principals[step % principals.length])!.outcomes,
        );
      }
    }
    expect(succeeded).toBeGreaterThan(150);
    // The histories asked about had allows, explicit denies and principals missing, not one answer throughout.
    const seen = new Set(recorded.flatMap((entry) => entry.outcomes.map((outcome) => (outcome === 'NoSuchEntity' ? outcome : outcome.decision))));
    expect(seen).toEqual(new Set(['allow', 'explicit_deny', 'implicit_deny', 'NoSuchEntity']));

    now = new Date(now.getTime() + 1000);
    for (const principal of principals) {
      const current = await live(principal);
      expect(await asOf(fromSnapshots, principal, now)).toEqual(current);
      expect(await asOf(fresh, principal, now)).toEqual(current);
    }
    for (const entry of recorded) {
      expect({ at: entry.at, principal: entry.principal, outcomes: await asOf(fromSnapshots, entry.principal, entry.at) }).toEqual(entry);
      expect({ at: entry.at, principal: entry.principal, outcomes: await asOf(fresh, entry.principal, entry.at) }).toEqual(entry);
    }
    const snapshots = await service.wardenDb.db
      .selectFrom('history_snapshots')
      .select(({ fn }) => fn.countAll<string>().as('count'))
      .where('account_id', '=', root.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(snapshots.count)).toBeGreaterThan(10);
  });
});
