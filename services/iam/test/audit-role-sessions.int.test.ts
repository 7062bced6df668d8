import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream, inAccountTransaction } from '@warden/db';
import { type Caller, isAuditEvent } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * The trial's finding: auditEvents(filter: {resourceArn: ROLE_ARN}) did not find who assumed the
 * role, because SessionIssued names the session's ARN only. A role's ARN now finds its sessions,
 * those issued before SessionIssued recorded the role's ARN too, and their later events.
 */
describe.each([...DRIVERS])('the audit of a role on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  async function callerOf(accessKeyId: string): Promise<Caller> {
    const resolved = await service.iam.credentials.resolve(accessKeyId);
    if (!resolved) throw new Error(`${accessKeyId} does not resolve`);
    return { ...resolved.caller, requestContext: {} };
  }

  async function accountWithRoles(root: Caller) {
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice' });
    await iam.users.putInlinePolicy(root, 'alice', 'assume', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${root.accountId}:root` }, Action: 'sts:AssumeRole' });
    const deploy = await iam.roles.create(root, { roleName: 'deploy', path: '/ci/', assumeRolePolicyDocument: trust });
    // A name that the role's name begins: its sessions must not pass for deploy's.
    const deployProd = await iam.roles.create(root, { roleName: 'deploy-prod', assumeRolePolicyDocument: trust });
    await iam.roles.putInlinePolicy(root, 'deploy', 'read', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    return { alice: userCaller(root.accountId, alice), deploy, deployProd };
  }

  it("finds who assumed a role, by the role's ARN: the session, its source principal, and what the session did", async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const { alice, deploy, deployProd } = await accountWithRoles(root);
    const assumed = await iam.sts.assumeRole(alice, { roleArn: deploy.arn, roleSessionName: 'release-42' });
    await iam.sts.assumeRole(alice, { roleArn: deployProd.arn, roleSessionName: 'other' });
    const inside = await callerOf(assumed.credentials.accessKeyId);
    await iam.users.create(inside, { userName: 'made-by-the-role' });

    const byRole = (await iam.audit.events(root, { resourceArn: deploy.arn }, { first: 50 })).filter(isAuditEvent);
    const issued = byRole.filter((event) => event.type === 'SessionIssued');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ actorArn: alice.arn, resourceArn: assumed.assumedRoleUser.arn });
    expect(issued[0]!.data).toMatchObject({ roleArn: deploy.arn, sourcePrincipalArn: alice.arn, principalArn: assumed.assumedRoleUser.arn });
    // The role's own events are found as before.
    expect(byRole.map((event) => event.type)).toContain('RoleCreated');
    expect(byRole.every((event) => event.resourceArn === deploy.arn || event.resourceArn?.startsWith(`arn:aws:sts::${root.accountId}:assumed-role/deploy/`))).toBe(true);

    // The actor filter: a role's ARN finds what its sessions did.
    const byRoleActor = (await iam.audit.events(root, { actor: deploy.arn }, { first: 50 })).filter(isAuditEvent);
    expect(byRoleActor.map((event) => event.type)).toEqual(['UserCreated']);
    expect(byRoleActor[0]!.actorArn).toBe(assumed.assumedRoleUser.arn);
    expect(await iam.audit.events(root, { actor: deployProd.arn }, { first: 50 })).toEqual([]);
  });

  it('finds sessions issued before SessionIssued recorded the role, and their later events, from the session ARN', async () => {
    const { iam, wardenDb } = service;
    const root = await newAccount(service);
    const { deploy, alice } = await accountWithRoles(root);
    const sessionArn = `arn:aws:sts::${root.accountId}:assumed-role/deploy/old-session`;
    const streamId = 'session/0123456789abcdef01234567';
    // A SessionIssued as Warden wrote it before: no roleArn, no sourcePrincipalArn; then its expiry.
    await inAccountTransaction(wardenDb.db, root.accountId, (trx) =>
      appendToStream(trx, {
        accountId: root.accountId,
        streamId,
        expectedVersion: -1,
        events: [
          { type: 'SessionIssued', data: { sessionId: '0123456789abcdef01234567', kind: 'assumed-role', principalArn: sessionArn, roleId: deploy.roleId, userId: null, sessionName: 'old-session' } },
          { type: 'SessionExpired', data: { sessionId: '0123456789abcdef01234567' } },
        ],
        metadata: { actorArn: alice.arn, resourceArn: sessionArn },
        occurredAt: new Date(),
      }),
    );
    const found = (await iam.audit.events(root, { resourceArn: deploy.arn, eventTypes: ['SessionIssued', 'SessionExpired'] }, { first: 10 })).filter(isAuditEvent);
    expect(found.map((event) => [event.type, event.streamId])).toEqual([
      ['SessionExpired', streamId],
      ['SessionIssued', streamId],
    ]);
    expect(found[1]!.actorArn).toBe(alice.arn);
    // Another role of the account finds none of them.
    const other = await iam.roles.create(root, { roleName: 'other', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root.arn }, Action: 'sts:AssumeRole' }) });
    expect(await iam.audit.events(root, { resourceArn: other.arn, eventTypes: ['SessionIssued', 'SessionExpired'] }, { first: 10 })).toEqual([]);
  });
});
