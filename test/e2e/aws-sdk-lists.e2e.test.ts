import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateVirtualMFADeviceCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsCommand,
  ListMFADevicesCommand,
  ListRolesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListEntitiesForPolicy,
  paginateListVirtualMFADevices,
  paginateSimulatePrincipalPolicy,
  SimulatePrincipalPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListPoliciesCommand,
  paginateListPolicies,
  PutUserPolicyCommand,
  type ListEntitiesForPolicyCommandOutput,
  type ListPoliciesCommandInput,
  type Policy,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { AWS_MANAGED_POLICIES } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials, SignedClient } from './support/signed-client.js';
import { rejection } from './support/rejection.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ALLOW_ALL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

const AWS_MANAGED_ARNS = AWS_MANAGED_POLICIES.map((policy) => `arn:aws:iam::aws:policy/${policy.name}`).sort();

/**
 * The lists' filters and pages over the Query front with the SDK v3: ListPolicies' Scope,
 * OnlyAttached, PolicyUsageFilter and PathPrefix (IAM API Reference, ListPolicies), PathPrefix and
 * MaxItems/Marker on the lists AWS gives them, and AWS's constraints on both (ValidationError).
 */
describe.each([...DRIVERS])('AWS SDK v3: list filters and pages (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;
  let root: SignedClient;

  const iamClient = (as: Credentials) => new IAMClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    root = tenant.root;
    iam = iamClient(tenant.credentials);
  });
  afterAll(async () => {
    iam.destroy();
    await warden.close();
  });

  const arnsOf = (policies: Policy[] | undefined) => (policies ?? []).map((policy) => policy.Arn!).sort();

  it('ListPolicies: Scope All (the default, as the CLI sends none) lists AWS-managed and local policies, AWS only the former, Local only the latter', async () => {
    const local = await iam.send(new CreatePolicyCommand({ PolicyName: 'scope-local', Path: '/scope/', PolicyDocument: ALLOW_ALL }));
    const localArn = local.Policy!.Arn!;

    const all = await iam.send(new ListPoliciesCommand({}));
    expect(arnsOf(all.Policies)).toEqual([...AWS_MANAGED_ARNS, localArn].sort());
    expect(all.IsTruncated).toBe(false);
    // Attached once in this account: to its OrganizationAccountAccessRole.
    const administrator = all.Policies!.find((policy) => policy.PolicyName === 'AdministratorAccess')!;
    expect(administrator).toMatchObject({ Arn: 'arn:aws:iam::aws:policy/AdministratorAccess', Path: '/', DefaultVersionId: 'v1', IsAttachable: true, AttachmentCount: 1 });
    expect(administrator.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'All' }))).Policies!.find((policy) => policy.PolicyName === 'AdministratorAccess')!.PolicyId).toBe(administrator.PolicyId);

    expect(arnsOf((await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies)).toEqual(AWS_MANAGED_ARNS);
    expect(arnsOf((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies)).toEqual([localArn]);
    expect(arnsOf((await iam.send(new ListPoliciesCommand({ PathPrefix: '/scope/' }))).Policies)).toEqual([localArn]);
    expect(arnsOf((await iam.send(new ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/scope/' }))).Policies)).toEqual([]);
  });

  it('an AWS-managed policy that ListPolicies lists is read like any: GetPolicy, ListPolicyVersions and GetPolicyVersion (its one version, v1)', async () => {
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const listed = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies!.find((policy) => policy.Arn === arn)!;
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
    expect(got).toMatchObject({ PolicyName: 'ReadOnlyAccess', PolicyId: listed.PolicyId, DefaultVersionId: 'v1', Path: '/' });
    expect((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.map((version) => [version.VersionId, version.IsDefaultVersion])).toEqual([['v1', true]]);
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion!;
    expect(decodeURIComponent(version.Document!)).toBe(AWS_MANAGED_POLICIES.find((policy) => policy.name === 'ReadOnlyAccess')!.document);
    expect(await rejection(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })))).toBeInstanceOf(NoSuchEntityException);
    expect(await rejection(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })))).toBeInstanceOf(NoSuchEntityException);
  });

  it('ListPolicies: OnlyAttached keeps the attached policies (AWS-managed ones too), PolicyUsageFilter those in use that way, with their counts', async () => {
    const tenant = await newTenant(warden);
    const own = iamClient(tenant.credentials);
    const attached = (await own.send(new CreatePolicyCommand({ PolicyName: 'attached', PolicyDocument: ALLOW_ALL }))).Policy!.Arn!;
    const boundary = (await own.send(new CreatePolicyCommand({ PolicyName: 'boundary', PolicyDocument: ALLOW_ALL }))).Policy!.Arn!;
    await own.send(new CreatePolicyCommand({ PolicyName: 'unused', PolicyDocument: ALLOW_ALL }));
    await own.send(new CreateUserCommand({ UserName: 'u1', PermissionsBoundary: boundary }));
    await own.send(new AttachUserPolicyCommand({ UserName: 'u1', PolicyArn: attached }));
    await own.send(new AttachUserPolicyCommand({ UserName: 'u1', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' });
    await own.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trust, PermissionsBoundary: boundary }));
    await own.send(new AttachRolePolicyCommand({ RoleName: 'r1', PolicyArn: attached }));

    const onlyAttached = await own.send(new ListPoliciesCommand({ OnlyAttached: true }));
    // AdministratorAccess: the account's OrganizationAccountAccessRole has it.
    expect(arnsOf(onlyAttached.Policies)).toEqual([attached, 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess'].sort());
    expect(onlyAttached.Policies!.find((policy) => policy.Arn === attached)).toMatchObject({ AttachmentCount: 2, PermissionsBoundaryUsageCount: 0 });
    expect(arnsOf((await own.send(new ListPoliciesCommand({ OnlyAttached: true, Scope: 'Local' }))).Policies)).toEqual([attached]);
    expect(arnsOf((await own.send(new ListPoliciesCommand({ PolicyUsageFilter: 'PermissionsPolicy', Scope: 'AWS' }))).Policies)).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);

    const boundaries = await own.send(new ListPoliciesCommand({ OnlyAttached: true, PolicyUsageFilter: 'PermissionsBoundary' }));
    expect(arnsOf(boundaries.Policies)).toEqual([boundary]);
    expect(boundaries.Policies![0]).toMatchObject({ AttachmentCount: 0, PermissionsBoundaryUsageCount: 2 });

    // Another account's attachments count nowhere here.
    const elsewhere = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies!.find((policy) => policy.PolicyName === 'ReadOnlyAccess')!;
    expect(elsewhere.AttachmentCount).toBe(0);
    own.destroy();
  });

  it('ListPolicies pages by MaxItems and Marker across the AWS-managed and the local policies, each once (paginateListPolicies)', async () => {
    const tenant = await newTenant(warden);
    const own = iamClient(tenant.credentials);
    const created: string[] = [];
    for (const name of ['p-a', 'p-b', 'p-c']) created.push((await own.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: ALLOW_ALL }))).Policy!.Arn!);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListPolicies({ client: own, pageSize: 4 }, {})) {
      pages++;
      expect(page.Policies!.length).toBeLessThanOrEqual(4);
      seen.push(...page.Policies!.map((policy) => policy.Arn!));
    }
    expect(seen.sort()).toEqual([...AWS_MANAGED_ARNS, ...created].sort());
    expect(pages).toBe(Math.ceil((AWS_MANAGED_ARNS.length + created.length) / 4));
    own.destroy();
  });

  it("GraphQL's policies takes ListPolicies' filters and answers what the Query front answers (the same operation)", async () => {
    const query = `query($scope: PolicyScope, $attached: Boolean, $prefix: String, $usage: PolicyUsage, $after: String) {
      policies(first: 3, scope: $scope, onlyAttached: $attached, pathPrefix: $prefix, policyUsageFilter: $usage, after: $after) {
        __typename ... on PoliciesSuccess { data { edges { node { arn } } pageInfo { hasNextPage endCursor } } } } }`;
    type Page = { policies: { data: { edges: { node: { arn: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const viaGraphql = async (variables: Record<string, unknown>) => {
      const arns: string[] = [];
      for (let after: string | null = null; ;) {
        const page: Page = await root.data<Page>(query, { ...variables, after });
        arns.push(...page.policies.data.edges.map((edge) => edge.node.arn));
        if (!page.policies.data.pageInfo.hasNextPage) return arns.sort();
        after = page.policies.data.pageInfo.endCursor;
      }
    };
    const viaQuery = async (input: ListPoliciesCommandInput) => {
      const arns: string[] = [];
      for await (const page of paginateListPolicies({ client: iam, pageSize: 3 }, input)) arns.push(...page.Policies!.map((policy) => policy.Arn!));
      return arns.sort();
    };
    expect(await viaGraphql({ scope: 'ALL' })).toEqual(await viaQuery({ Scope: 'All' }));
    expect(await viaGraphql({ scope: 'AWS' })).toEqual(AWS_MANAGED_ARNS);
    expect(await viaGraphql({})).toEqual(await viaQuery({ Scope: 'Local' }));
    expect(await viaGraphql({ scope: 'ALL', prefix: '/scope/' })).toEqual(await viaQuery({ PathPrefix: '/scope/' }));
    expect(await viaGraphql({ scope: 'ALL', attached: true, usage: 'PERMISSIONS_BOUNDARY' })).toEqual(await viaQuery({ OnlyAttached: true, PolicyUsageFilter: 'PermissionsBoundary' }));
  });

  it("ListPolicies refuses what AWS's model refuses: an unknown Scope or PolicyUsageFilter, a PathPrefix not of policyPathType, MaxItems out of 1-1000", async () => {
    const cases: [ListPoliciesCommandInput, string][] = [
      [{ Scope: 'Mine' as never }, "Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"],
      [{ PolicyUsageFilter: 'Inline' as never }, "Value 'Inline' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"],
      [{ PathPrefix: 'no-slash' }, "Value 'no-slash' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern"],
      [{ PathPrefix: '/a b/' }, "Value '/a b/' at 'pathPrefix' failed to satisfy constraint"],
      [{ PathPrefix: `/${'a'.repeat(512)}/` }, 'Member must have length less than or equal to 512'],
      [{ MaxItems: 0 }, 'Member must have value greater than or equal to 1'],
      [{ MaxItems: 1001 }, 'Member must have value less than or equal to 1000'],
    ];
    for (const [input, message] of cases) {
      const error = await rejection(iam.send(new ListPoliciesCommand(input)));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
      expect(error.message).toContain(message);
    }
  });

  it('ListPolicies is authorized as iam:ListPolicies: a caller without it is AccessDenied', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'no-list' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'no-list', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-list' }))).AccessKey!;
    const denied = iamClient({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const error = await rejection(denied.send(new ListPoliciesCommand({ Scope: 'AWS' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    denied.destroy();
    expect(accountId).toMatch(/^\d{12}$/);
  });

  it('ListUsers, ListGroups and ListRoles keep the entities whose path starts with PathPrefix; a PathPrefix outside pathPrefixType is ValidationError', async () => {
    const tenant = await newTenant(warden);
    const own = iamClient(tenant.credentials);
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' });
    for (const [path, name] of [
      ['/eng/', 'e1'],
      ['/eng/web/', 'e2'],
      ['/ops/', 'o1'],
    ] as const) {
      await own.send(new CreateUserCommand({ UserName: `u-${name}`, Path: path }));
      await own.send(new CreateGroupCommand({ GroupName: `g-${name}`, Path: path }));
      await own.send(new CreateRoleCommand({ RoleName: `r-${name}`, Path: path, AssumeRolePolicyDocument: trust }));
    }
    expect((await own.send(new ListUsersCommand({ PathPrefix: '/eng/' }))).Users!.map((user) => user.UserName)).toEqual(['u-e1', 'u-e2']);
    expect((await own.send(new ListGroupsCommand({ PathPrefix: '/eng/' }))).Groups!.map((group) => group.GroupName)).toEqual(['g-e1', 'g-e2']);
    expect((await own.send(new ListRolesCommand({ PathPrefix: '/eng/web/' }))).Roles!.map((role) => role.RoleName)).toEqual(['r-e2']);
    const firstPage = await own.send(new ListGroupsCommand({ PathPrefix: '/', MaxItems: 2 }));
    expect([firstPage.Groups!.length, firstPage.IsTruncated]).toEqual([2, true]);
    const rest = await own.send(new ListGroupsCommand({ PathPrefix: '/', MaxItems: 2, Marker: firstPage.Marker! }));
    expect([rest.Groups!.map((group) => group.GroupName), rest.IsTruncated]).toEqual([['g-o1'], false]);
    // pathPrefixType: 1 to 512 characters matching \u002F[\u0021-\u007F]*.
    for (const send of [
      () => own.send(new ListUsersCommand({ PathPrefix: 'eng/' })),
      () => own.send(new ListGroupsCommand({ PathPrefix: '/a b/' })),
      () => own.send(new ListRolesCommand({ PathPrefix: `/${'a'.repeat(512)}` })),
    ]) {
      const error = await rejection(send());
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
      expect(error.message).toMatch(/^1 validation error detected: Value '.*' at 'pathPrefix' failed to satisfy constraint: Member must (satisfy regular expression pattern|have length)/);
    }
    // ListAttachedUserPolicies' PathPrefix is a policyPathType.
    const attached = await rejection(own.send(new ListAttachedUserPoliciesCommand({ UserName: 'u-e1', PathPrefix: '/no-end' })));
    expect([attached.name, attached.message]).toEqual([
      'ValidationError',
      "1 validation error detected: Value '/no-end' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
    ]);
    own.destroy();
  });

  it('ListEntitiesForPolicy: EntityFilter, PathPrefix and PolicyUsageFilter as AWS defines them, paged by MaxItems and Marker', async () => {
    const tenant = await newTenant(warden);
    const own = iamClient(tenant.credentials);
    const arn = (await own.send(new CreatePolicyCommand({ PolicyName: 'used', PolicyDocument: ALLOW_ALL }))).Policy!.Arn!;
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' });
    await own.send(new CreateUserCommand({ UserName: 'attached-user', Path: '/a/' }));
    await own.send(new AttachUserPolicyCommand({ UserName: 'attached-user', PolicyArn: arn }));
    await own.send(new CreateUserCommand({ UserName: 'bounded-user', Path: '/b/', PermissionsBoundary: arn }));
    await own.send(new CreateGroupCommand({ GroupName: 'attached-group', Path: '/a/' }));
    await own.send(new AttachGroupPolicyCommand({ GroupName: 'attached-group', PolicyArn: arn }));
    await own.send(new CreateRoleCommand({ RoleName: 'both-role', Path: '/a/', AssumeRolePolicyDocument: trust, PermissionsBoundary: arn }));
    await own.send(new AttachRolePolicyCommand({ RoleName: 'both-role', PolicyArn: arn }));

    const names = (answer: ListEntitiesForPolicyCommandOutput) => [
      ...(answer.PolicyGroups ?? []).map((group) => group.GroupName),
      ...(answer.PolicyUsers ?? []).map((user) => user.UserName),
      ...(answer.PolicyRoles ?? []).map((role) => role.RoleName),
    ];
    expect(names(await own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn })))).toEqual(['attached-group', 'attached-user', 'bounded-user', 'both-role']);
    expect(names(await own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy' })))).toEqual(['attached-group', 'attached-user', 'both-role']);
    expect(names(await own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: 'PermissionsBoundary' })))).toEqual(['bounded-user', 'both-role']);
    expect(names(await own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'User' })))).toEqual(['attached-user', 'bounded-user']);
    expect(names(await own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PathPrefix: '/a/' })))).toEqual(['attached-group', 'attached-user', 'both-role']);
    const paged: string[] = [];
    for await (const page of paginateListEntitiesForPolicy({ client: own, pageSize: 1 }, { PolicyArn: arn })) {
      expect(names(page)).toHaveLength(1);
      paged.push(...names(page).map(String));
    }
    expect(paged).toEqual(['attached-group', 'attached-user', 'bounded-user', 'both-role']);
    // GraphQL's entitiesForPolicy is the same operation, with the same filters.
    const graphql = await tenant.root.data<{ entitiesForPolicy: { data: { users: { userName: string }[]; groups: { groupName: string }[]; roles: { roleName: string }[] } } }>(
      'query($a: String!) { entitiesForPolicy(policyArn: $a, policyUsageFilter: PERMISSIONS_BOUNDARY) { ... on EntitiesForPolicySuccess { data { users { userName } groups { groupName } roles { roleName } } } } }',
      { a: arn },
    );
    const { users, groups, roles } = graphql.entitiesForPolicy.data;
    expect([...groups.map((group) => group.groupName), ...users.map((user) => user.userName), ...roles.map((role) => role.roleName)]).toEqual(['bounded-user', 'both-role']);
    const bad = await rejection(own.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Device' as never })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
    own.destroy();
  });

  it('the MFA lists, GetAccountAuthorizationDetails and the simulators page by MaxItems and Marker (their SDK paginators), each item once', async () => {
    const tenant = await newTenant(warden);
    const own = iamClient(tenant.credentials);
    for (const name of ['d1', 'd2', 'd3']) await own.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
    const serials: string[] = [];
    for await (const page of paginateListVirtualMFADevices({ client: own, pageSize: 2 }, { AssignmentStatus: 'Unassigned' }))
      serials.push(...page.VirtualMFADevices!.map((device) => device.SerialNumber!));
    expect(serials.sort()).toEqual(['d1', 'd2', 'd3'].map((name) => `arn:aws:iam::${tenant.accountId}:mfa/${name}`));
    expect((await own.send(new ListMFADevicesCommand({ MaxItems: 1 }))).IsTruncated).toBe(false);
    const status = await rejection(own.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Some' as never })));
    expect(status.message).toContain("at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]");

    for (const name of ['x1', 'x2', 'x3']) await own.send(new CreateUserCommand({ UserName: name }));
    await own.send(new CreateGroupCommand({ GroupName: 'gx' }));
    await own.send(new CreatePolicyCommand({ PolicyName: 'px', PolicyDocument: ALLOW_ALL }));
    const whole = await own.send(new GetAccountAuthorizationDetailsCommand({}));
    const entries = (page: typeof whole) => [
      ...page.UserDetailList!.map((user) => `user ${user.UserName}`),
      ...page.GroupDetailList!.map((group) => `group ${group.GroupName}`),
      ...page.RoleDetailList!.map((role) => `role ${role.RoleName}`),
      ...page.Policies!.map((policy) => `policy ${policy.PolicyName}`),
    ];
    expect(whole.IsTruncated).toBe(false);
    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateGetAccountAuthorizationDetails({ client: own, pageSize: 2 }, {})) {
      pages++;
      paged.push(...entries(page));
    }
    expect(paged).toEqual(entries(whole));
    expect(pages).toBe(Math.ceil(entries(whole).length / 2));

    const simulation = { PolicySourceArn: `arn:aws:iam::${tenant.accountId}:user/x1`, ActionNames: ['iam:GetUser', 'iam:ListUsers', 'iam:CreateUser'], ResourceArns: ['*'] };
    const all = await own.send(new SimulatePrincipalPolicyCommand(simulation));
    const simulated: string[] = [];
    for await (const page of paginateSimulatePrincipalPolicy({ client: own, pageSize: 2 }, simulation)) simulated.push(...page.EvaluationResults!.map((result) => result.EvalActionName!));
    expect(simulated).toEqual(all.EvaluationResults!.map((result) => result.EvalActionName!));
    expect(simulated).toHaveLength(3);
    own.destroy();
  });
});
