import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupPolicyCommand,
  GetLoginProfileCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { ListAttachedUserPoliciesCommandOutput, ListUserPoliciesCommandOutput } from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from './support/signed-client.js';
import { rejection } from './support/rejection.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ALLOW_ALL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const READ_ONLY = doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });

/** How each holder kind's reads are called: the same calls, the kind in the command's and the parameter's name. */
interface HolderCalls {
  readonly kind: 'User' | 'Group' | 'Role';
  create(iam: IAMClient, name: string): Promise<unknown>;
  attach(iam: IAMClient, name: string, arn: string): Promise<unknown>;
  put(iam: IAMClient, name: string, policyName: string, document: string): Promise<unknown>;
  listAttached(iam: IAMClient, name: string, extra?: { PathPrefix?: string; MaxItems?: number; Marker?: string }): Promise<ListAttachedUserPoliciesCommandOutput>;
  listInline(iam: IAMClient, name: string, extra?: { MaxItems?: number; Marker?: string }): Promise<ListUserPoliciesCommandOutput>;
  getInline(iam: IAMClient, name: string, policyName: string): Promise<{ PolicyName: string | undefined; PolicyDocument: string | undefined; name: string | undefined }>;
}

const TRUST = (accountId: string) => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });

const holders = (accountId: string): HolderCalls[] => [
  {
    kind: 'User',
    create: (iam, name) => iam.send(new CreateUserCommand({ UserName: name })),
    attach: (iam, name, arn) => iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn })),
    put: (iam, name, policyName, document) => iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: document })),
    listAttached: (iam, name, extra) => iam.send(new ListAttachedUserPoliciesCommand({ UserName: name, ...extra })),
    listInline: (iam, name, extra) => iam.send(new ListUserPoliciesCommand({ UserName: name, ...extra })),
    getInline: async (iam, name, policyName) => {
      const got = await iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }));
      return { PolicyName: got.PolicyName, PolicyDocument: got.PolicyDocument, name: got.UserName };
    },
  },
  {
    kind: 'Group',
    create: (iam, name) => iam.send(new CreateGroupCommand({ GroupName: name })),
    attach: (iam, name, arn) => iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: arn })),
    put: (iam, name, policyName, document) => iam.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName: policyName, PolicyDocument: document })),
    listAttached: (iam, name, extra) => iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name, ...extra })),
    listInline: (iam, name, extra) => iam.send(new ListGroupPoliciesCommand({ GroupName: name, ...extra })),
    getInline: async (iam, name, policyName) => {
      const got = await iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName }));
      return { PolicyName: got.PolicyName, PolicyDocument: got.PolicyDocument, name: got.GroupName };
    },
  },
  {
    kind: 'Role',
    create: (iam, name) => iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST(accountId) })),
    attach: (iam, name, arn) => iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn })),
    put: (iam, name, policyName, document) => iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: document })),
    listAttached: (iam, name, extra) => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, ...extra })),
    listInline: (iam, name, extra) => iam.send(new ListRolePoliciesCommand({ RoleName: name, ...extra })),
    getInline: async (iam, name, policyName) => {
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
      return { PolicyName: got.PolicyName, PolicyDocument: got.PolicyDocument, name: got.RoleName };
    },
  },
];

describe.each([...DRIVERS])("AWS SDK v3: a holder's policies, groups and tags over the Query front (%s)", (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;
  let teamPolicy: string;
  let rootPolicy: string;
  const clients: IAMClient[] = [];

  const iamClient = (as: Credentials) => {
    const client = new IAMClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  /** A client for a new user whose only permissions are `document`'s. */
  async function clientAllowed(userName: string, document: string): Promise<IAMClient> {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'only', PolicyDocument: document }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return iamClient({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
  }

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    iam = iamClient(tenant.credentials);
    teamPolicy = (await iam.send(new CreatePolicyCommand({ PolicyName: 'team-read', Path: '/team/', PolicyDocument: READ_ONLY }))).Policy!.Arn!;
    rootPolicy = (await iam.send(new CreatePolicyCommand({ PolicyName: 'all', PolicyDocument: ALLOW_ALL }))).Policy!.Arn!;
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await warden.close();
  });

  it.each(['User', 'Group', 'Role'] as const)('ListAttached%sPolicies: every attached policy by name and ARN, PathPrefix honoured, pages by Marker', async (kind) => {
    const holder = holders(accountId).find((calls) => calls.kind === kind)!;
    const name = `attached-${kind.toLowerCase()}`;
    await holder.create(iam, name);
    expect((await holder.listAttached(iam, name)).AttachedPolicies).toEqual([]);
    await holder.attach(iam, name, teamPolicy);
    await holder.attach(iam, name, rootPolicy);

    const all = await holder.listAttached(iam, name);
    expect(all.IsTruncated).toBe(false);
    expect(all.AttachedPolicies).toEqual([
      { PolicyName: 'all', PolicyArn: `arn:aws:iam::${accountId}:policy/all` },
      { PolicyName: 'team-read', PolicyArn: `arn:aws:iam::${accountId}:policy/team/team-read` },
    ]);
    expect((await holder.listAttached(iam, name, { PathPrefix: '/team/' })).AttachedPolicies).toEqual([{ PolicyName: 'team-read', PolicyArn: teamPolicy }]);
    expect((await holder.listAttached(iam, name, { PathPrefix: '/other/' })).AttachedPolicies).toEqual([]);

    const first = await holder.listAttached(iam, name, { MaxItems: 1 });
    expect([first.AttachedPolicies!.map((policy) => policy.PolicyName), first.IsTruncated]).toEqual([['all'], true]);
    const second = await holder.listAttached(iam, name, { MaxItems: 1, Marker: first.Marker! });
    expect([second.AttachedPolicies!.map((policy) => policy.PolicyName), second.IsTruncated, second.Marker]).toEqual([['team-read'], false, undefined]);

    const missing = await rejection(holder.listAttached(iam, 'nobody'));
    expect(missing).toBeInstanceOf(NoSuchEntityException);
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', 404]);
    expect(missing.message).toBe(`The ${kind.toLowerCase()} with name nobody cannot be found.`);
  });

  it.each(['User', 'Group', 'Role'] as const)('List%sPolicies and Get%sPolicy: inline policy names in order, a document URL-encoded, NoSuchEntity for a holder or a policy', async (kind) => {
    const holder = holders(accountId).find((calls) => calls.kind === kind)!;
    const name = `inline-${kind.toLowerCase()}`;
    await holder.create(iam, name);
    expect((await holder.listInline(iam, name)).PolicyNames).toEqual([]);
    const odd = doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${accountId}:user/a+b c&d` });
    await holder.put(iam, name, 'zeta', ALLOW_ALL);
    await holder.put(iam, name, 'alpha', odd);

    const listed = await holder.listInline(iam, name);
    expect([listed.PolicyNames, listed.IsTruncated]).toEqual([['alpha', 'zeta'], false]);
    const first = await holder.listInline(iam, name, { MaxItems: 1 });
    expect([first.PolicyNames, first.IsTruncated]).toEqual([['alpha'], true]);
    expect((await holder.listInline(iam, name, { Marker: first.Marker! })).PolicyNames).toEqual(['zeta']);

    // Found by its name in any case, the holder named as it was created.
    const got = await holder.getInline(iam, name.toUpperCase(), 'alpha');
    expect([got.name, got.PolicyName]).toEqual([name, 'alpha']);
    expect(got.PolicyDocument).toBe(encodeURIComponent(odd));
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(odd);

    const noPolicy = await rejection(holder.getInline(iam, name, 'beta'));
    expect([noPolicy.name, noPolicy.message]).toEqual(['NoSuchEntityException', `The ${kind.toLowerCase()} policy with name beta cannot be found.`]);
    expect((await rejection(holder.getInline(iam, 'nobody', 'alpha'))).name).toBe('NoSuchEntityException');
    expect((await rejection(holder.listInline(iam, 'nobody'))).name).toBe('NoSuchEntityException');
  });

  it('ListGroupsForUser: the groups in name order, paged; NoSuchEntity for a user that does not exist', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'member' }));
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'member' }))).Groups).toEqual([]);
    for (const group of ['ops', 'Devs', 'audit']) {
      await iam.send(new CreateGroupCommand({ GroupName: group, Path: '/teams/' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: 'member' }));
    }
    await iam.send(new CreateGroupCommand({ GroupName: 'outsiders' }));
    const listed = await iam.send(new ListGroupsForUserCommand({ UserName: 'member' }));
    expect(listed.Groups!.map((group) => group.GroupName)).toEqual(['audit', 'Devs', 'ops']);
    expect(listed.Groups![0]).toMatchObject({ Path: '/teams/', Arn: `arn:aws:iam::${accountId}:group/teams/audit` });
    expect(listed.Groups![0]!.GroupId).toMatch(/^AGPA/);
    expect(listed.Groups![0]!.CreateDate).toBeInstanceOf(Date);
    const first = await iam.send(new ListGroupsForUserCommand({ UserName: 'member', MaxItems: 2 }));
    expect([first.Groups!.map((group) => group.GroupName), first.IsTruncated]).toEqual([['audit', 'Devs'], true]);
    const rest = await iam.send(new ListGroupsForUserCommand({ UserName: 'member', MaxItems: 2, Marker: first.Marker! }));
    expect([rest.Groups!.map((group) => group.GroupName), rest.IsTruncated]).toEqual([['ops'], false]);
    expect((await rejection(iam.send(new ListGroupsForUserCommand({ UserName: 'nobody' })))).name).toBe('NoSuchEntityException');
  });

  it('ListUserTags and ListRoleTags: the tags, paged; NoSuchEntity for a holder that does not exist', async () => {
    const tags = [
      { Key: 'team', Value: 'core' },
      { Key: 'env', Value: 'prod' },
    ];
    await iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: tags }));
    await iam.send(new CreateRoleCommand({ RoleName: 'tagged-role', AssumeRolePolicyDocument: TRUST(accountId), Tags: tags }));
    await iam.send(new CreateUserCommand({ UserName: 'untagged' }));
    const user = await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }));
    expect([user.Tags, user.IsTruncated]).toEqual([tags, false]);
    const role = await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged-role' }));
    expect([role.Tags, role.IsTruncated]).toEqual([tags, false]);
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'untagged' }))).Tags).toEqual([]);
    const first = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 1 }));
    expect([first.Tags, first.IsTruncated]).toEqual([[tags[0]], true]);
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged', Marker: first.Marker! }))).Tags).toEqual([tags[1]]);
    expect((await rejection(iam.send(new ListUserTagsCommand({ UserName: 'nobody' })))).name).toBe('NoSuchEntityException');
    expect((await rejection(iam.send(new ListRoleTagsCommand({ RoleName: 'nobody' })))).name).toBe('NoSuchEntityException');
  });

  it("each read is authorized as the IAM action of its name on the holder's ARN: AccessDenied without it, even for a holder that does not exist", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'target' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'target', PolicyName: 'p', PolicyDocument: READ_ONLY }));
    await iam.send(new CreateGroupCommand({ GroupName: 'target-group' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'target-group', PolicyName: 'p', PolicyDocument: READ_ONLY }));
    await iam.send(new CreateRoleCommand({ RoleName: 'target-role', AssumeRolePolicyDocument: TRUST(accountId) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'target-role', PolicyName: 'p', PolicyDocument: READ_ONLY }));
    const user = `arn:aws:iam::${accountId}:user/target`;
    const group = `arn:aws:iam::${accountId}:group/target-group`;
    const role = `arn:aws:iam::${accountId}:role/target-role`;

    // Each call with a caller allowed that action alone on that ARN, and a caller allowed everything else.
    const calls: [string, string, (client: IAMClient) => Promise<unknown>][] = [
      ['iam:ListAttachedUserPolicies', user, (c) => c.send(new ListAttachedUserPoliciesCommand({ UserName: 'target' }))],
      ['iam:ListAttachedGroupPolicies', group, (c) => c.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'target-group' }))],
      ['iam:ListAttachedRolePolicies', role, (c) => c.send(new ListAttachedRolePoliciesCommand({ RoleName: 'target-role' }))],
      ['iam:ListUserPolicies', user, (c) => c.send(new ListUserPoliciesCommand({ UserName: 'target' }))],
      ['iam:ListGroupPolicies', group, (c) => c.send(new ListGroupPoliciesCommand({ GroupName: 'target-group' }))],
      ['iam:ListRolePolicies', role, (c) => c.send(new ListRolePoliciesCommand({ RoleName: 'target-role' }))],
      ['iam:GetUserPolicy', user, (c) => c.send(new GetUserPolicyCommand({ UserName: 'target', PolicyName: 'p' }))],
      ['iam:GetGroupPolicy', group, (c) => c.send(new GetGroupPolicyCommand({ GroupName: 'target-group', PolicyName: 'p' }))],
      ['iam:GetRolePolicy', role, (c) => c.send(new GetRolePolicyCommand({ RoleName: 'target-role', PolicyName: 'p' }))],
      ['iam:ListGroupsForUser', user, (c) => c.send(new ListGroupsForUserCommand({ UserName: 'target' }))],
      ['iam:ListUserTags', user, (c) => c.send(new ListUserTagsCommand({ UserName: 'target' }))],
      ['iam:ListRoleTags', role, (c) => c.send(new ListRoleTagsCommand({ RoleName: 'target-role' }))],
    ];
    const allButReads = await clientAllowed('all-but-reads', doc({ Effect: 'Allow', NotAction: calls.map(([action]) => action), Resource: '*' }));
    for (const [index, [action, arn, call]] of calls.entries()) {
      const allowed = await clientAllowed(`only-${index}`, doc({ Effect: 'Allow', Action: action, Resource: arn }));
      await expect(call(allowed), action).resolves.toBeDefined();
      const denied = await rejection(call(allButReads));
      expect([denied.name, denied.$metadata.httpStatusCode], action).toEqual(['AccessDenied', 403]);
      expect(denied.message, action).toContain(action);
    }

    // A caller without the action learns nothing of a holder that does not exist; one allowed it on every ARN learns it is missing.
    const narrow = await clientAllowed('narrow', doc({ Effect: 'Allow', Action: 'iam:ListAttachedUserPolicies', Resource: user }));
    expect((await rejection(narrow.send(new ListAttachedUserPoliciesCommand({ UserName: 'ghost' })))).name).toBe('AccessDenied');
    const wide = await clientAllowed('wide', doc({ Effect: 'Allow', Action: 'iam:ListAttachedUserPolicies', Resource: '*' }));
    expect((await rejection(wide.send(new ListAttachedUserPoliciesCommand({ UserName: 'ghost' })))).name).toBe('NoSuchEntityException');
  });

  it('GetLoginProfile and ListAccountAliases: AWS shapes, NoSuchEntity for a user or a profile, AccessDenied without the action', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'console' }));
    await iam.send(new CreateUserCommand({ UserName: 'no-console' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'console', Password: 'Correct-Horse-9-battery', PasswordResetRequired: true }));
    const before = Date.now();
    const { LoginProfile } = await iam.send(new GetLoginProfileCommand({ UserName: 'CONSOLE' }));
    expect(LoginProfile).toMatchObject({ UserName: 'console', PasswordResetRequired: true });
    expect(LoginProfile!.CreateDate).toBeInstanceOf(Date);
    expect(Math.abs(LoginProfile!.CreateDate!.getTime() - before)).toBeLessThan(60_000);
    const noProfile = await rejection(iam.send(new GetLoginProfileCommand({ UserName: 'no-console' })));
    expect([noProfile.name, noProfile.message]).toEqual(['NoSuchEntityException', 'Login Profile for User no-console cannot be found.']);
    expect((await rejection(iam.send(new GetLoginProfileCommand({ UserName: 'nobody' })))).name).toBe('NoSuchEntityException');

    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
    const alias = `reads-${accountId}`;
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: alias }));
    const aliases = await iam.send(new ListAccountAliasesCommand({}));
    expect([aliases.AccountAliases, aliases.IsTruncated]).toEqual([[alias], false]);

    const own = await clientAllowed('own-profile', doc({ Effect: 'Allow', Action: ['iam:GetLoginProfile', 'iam:ListAccountAliases'], Resource: '*' }));
    expect((await own.send(new GetLoginProfileCommand({ UserName: 'console' }))).LoginProfile!.UserName).toBe('console');
    // Without a name, the calling user's own profile, which this one does not have.
    expect((await rejection(own.send(new GetLoginProfileCommand({})))).message).toBe('Login Profile for User own-profile cannot be found.');
    expect((await own.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([alias]);
    const other = await clientAllowed('no-profile-reads', doc({ Effect: 'Allow', NotAction: ['iam:GetLoginProfile', 'iam:ListAccountAliases'], Resource: '*' }));
    // One call at a time: a call made before the previous one is awaited may be refused with no handler yet.
    for (const call of [
      () => other.send(new GetLoginProfileCommand({ UserName: 'console' })),
      () => other.send(new GetLoginProfileCommand({ UserName: 'nobody' })),
      () => other.send(new ListAccountAliasesCommand({})),
    ]) {
      const denied = await rejection(call());
      expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    }
  });
});
