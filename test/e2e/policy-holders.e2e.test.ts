import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * The mutations users, groups and roles share, over GraphQL: the schema declares them once for the
 * three kinds, so each kind's mutation is run here with its own input type and holder-name field,
 * answers the holder as it is after, and leaves in the read models what it says.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const INLINE = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

interface Answer {
  readonly __typename: string;
  readonly data?: { readonly name: string; readonly permissionsBoundaryArn?: string | null; readonly tags?: readonly { key: string; value: string }[] };
  readonly message?: string;
}
interface Holding {
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicies: readonly { policyName: string; policyDocument: string }[];
}

const USERS = { kind: 'user', Kind: 'User', tagged: true, create: 'createUser(input: { userName: "holder" })' } as const;
const GROUPS = { kind: 'group', Kind: 'Group', tagged: false, create: 'createGroup(input: { groupName: "holder" })' } as const;
const ROLES = { kind: 'role', Kind: 'Role', tagged: true, create: `createRole(input: { roleName: "holder", assumeRolePolicyDocument: ${JSON.stringify(TRUST)} })` } as const;
type Kind = typeof USERS | typeof GROUPS | typeof ROLES;

/** Runs a holder's `mutation` with `input` (the holder named "holder" unless it says otherwise), as the input type `inputType`. */
async function run(root: SignedClient, { kind, tagged }: Kind, mutation: string, inputType: string, input: Record<string, unknown> = {}): Promise<Answer> {
  const fields = `name: ${kind}Name${tagged ? ' permissionsBoundaryArn tags { key value }' : ''}`;
  const success = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Success`;
  const query = `mutation($input: ${inputType}!) { ${mutation}(input: $input) { __typename ... on Error { message } ... on ${success} { data { ${fields} } } } }`;
  const answer = await root.data<Record<string, Answer>>(query, { input: { [`${kind}Name`]: 'holder', ...input } });
  return answer[mutation]!;
}

/** The holder's attached and inline policies, as the account's authorization details show them. */
async function holding(root: SignedClient, { kind }: Kind): Promise<Holding> {
  const details = await root.data<{ accountAuthorizationDetails: { data: Record<string, (Holding & Record<string, { name: string }>)[]> } }>(
    `{ accountAuthorizationDetails { ... on AccountAuthorizationDetailsSuccess { data { ${kind}s { ${kind} { name: ${kind}Name } attachedPolicyArns inlinePolicies { policyName policyDocument } } } } } }`,
  );
  const [detail] = details.accountAuthorizationDetails.data[`${kind}s`]!.filter((entry) => entry[kind]!.name === 'holder');
  return { attachedPolicyArns: detail!.attachedPolicyArns, inlinePolicies: detail!.inlinePolicies };
}

describe.each([...DRIVERS])('policy holder mutations over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  it.each([USERS, GROUPS, ROLES])('attach, detach, put and delete the policies of a $kind, answering the holder each time', async (holderKind) => {
    const { kind, Kind, tagged, create } = holderKind;
    const { root } = await newTenant(warden);
    await root.data(`mutation { ${create} { __typename } }`);
    const holder = { name: 'holder', ...(tagged ? { permissionsBoundaryArn: null, tags: [] } : {}) };

    expect(await run(root, holderKind, `attach${Kind}Policy`, `${Kind}PolicyArnInput`, { policyArn: POLICY })).toEqual({ __typename: `Attach${Kind}PolicySuccess`, data: holder });
    expect(await run(root, holderKind, `put${Kind}Policy`, `Put${Kind}PolicyInput`, { policyName: 'inline', policyDocument: INLINE })).toEqual({ __typename: `Put${Kind}PolicySuccess`, data: holder });
    expect(await holding(root, holderKind)).toEqual({ attachedPolicyArns: [POLICY], inlinePolicies: [{ policyName: 'inline', policyDocument: INLINE }] });

    expect(await run(root, holderKind, `detach${Kind}Policy`, `${Kind}PolicyArnInput`, { policyArn: POLICY })).toEqual({ __typename: `Detach${Kind}PolicySuccess`, data: holder });
    expect(await run(root, holderKind, `delete${Kind}Policy`, `Delete${Kind}PolicyInput`, { policyName: 'inline' })).toEqual({ __typename: `Delete${Kind}PolicySuccess`, data: holder });
    expect(await holding(root, holderKind)).toEqual({ attachedPolicyArns: [], inlinePolicies: [] });

    // The typed refusals name the holder as AWS does.
    expect(await run(root, holderKind, `detach${Kind}Policy`, `${Kind}PolicyArnInput`, { policyArn: POLICY })).toEqual({
      __typename: 'NoSuchEntityError',
      message: `Policy ${POLICY} was not found attached to ${kind} holder.`,
    });
    expect(await run(root, holderKind, `delete${Kind}Policy`, `Delete${Kind}PolicyInput`, { policyName: 'inline', [`${kind}Name`]: 'nobody' })).toEqual({
      __typename: 'NoSuchEntityError',
      message: `The ${kind} with name nobody cannot be found.`,
    });
  });

  it.each([USERS, ROLES])('tag, untag, put and delete the permissions boundary of a $kind, answering the holder each time', async (holderKind) => {
    const { kind, Kind, create } = holderKind;
    const { root } = await newTenant(warden);
    await root.data(`mutation { ${create} { __typename } }`);
    const team = [{ key: 'team', value: 'blue' }];

    expect(await run(root, holderKind, `tag${Kind}`, `Tag${Kind}Input`, { tags: team })).toEqual({
      __typename: `Tag${Kind}Success`,
      data: { name: 'holder', permissionsBoundaryArn: null, tags: team },
    });
    expect(await run(root, holderKind, `put${Kind}PermissionsBoundary`, `Put${Kind}PermissionsBoundaryInput`, { permissionsBoundary: POLICY })).toEqual({
      __typename: `Put${Kind}PermissionsBoundarySuccess`,
      data: { name: 'holder', permissionsBoundaryArn: POLICY, tags: team },
    });
    expect(await run(root, holderKind, `untag${Kind}`, `Untag${Kind}Input`, { tagKeys: ['TEAM'] })).toEqual({
      __typename: `Untag${Kind}Success`,
      data: { name: 'holder', permissionsBoundaryArn: POLICY, tags: [] },
    });
    expect(await run(root, holderKind, `delete${Kind}PermissionsBoundary`, `${Kind}NameInput`)).toEqual({
      __typename: `Delete${Kind}PermissionsBoundarySuccess`,
      data: { name: 'holder', permissionsBoundaryArn: null, tags: [] },
    });
    expect(await run(root, holderKind, `delete${Kind}PermissionsBoundary`, `${Kind}NameInput`)).toEqual({ __typename: 'NoSuchEntityError', message: `The ${kind} has no permissions boundary.` });
  });

  it.each([USERS, GROUPS, ROLES])("a $kind's policies read as fields of its type: attachedPolicyArns (with a path prefix), inlinePolicyNames, inlinePolicy", async (holderKind) => {
    const { kind, Kind, create } = holderKind;
    const { root } = await newTenant(warden);
    await root.data(`mutation { ${create} { __typename } }`);
    await run(root, holderKind, `attach${Kind}Policy`, `${Kind}PolicyArnInput`, { policyArn: POLICY });
    await run(root, holderKind, `put${Kind}Policy`, `Put${Kind}PolicyInput`, { policyName: 'inline', policyDocument: INLINE });
    const fields = [
      `attachedPolicyArns { ... on ${Kind}AttachedPolicyArnsSuccess { data } }`,
      `elsewhere: attachedPolicyArns(pathPrefix: "/service-role/") { ... on ${Kind}AttachedPolicyArnsSuccess { data } }`,
      `inlinePolicyNames { ... on ${Kind}InlinePolicyNamesSuccess { data } }`,
      `inlinePolicy(policyName: "inline") { ... on ${Kind}InlinePolicySuccess { data { policyName policyDocument } } }`,
      `missing: inlinePolicy(policyName: "nope") { __typename ... on Error { message } }`,
    ].join(' ');
    const answer = await root.data<Record<string, { data: Record<string, unknown> }>>(`{ ${kind}(${kind}Name: "holder") { ... on ${Kind}Success { data { ${fields} } } } }`);
    expect(answer[kind]!.data).toEqual({
      attachedPolicyArns: { data: [POLICY] },
      elsewhere: { data: [] },
      inlinePolicyNames: { data: ['inline'] },
      inlinePolicy: { data: { policyName: 'inline', policyDocument: INLINE } },
      missing: { __typename: 'NoSuchEntityError', message: `The ${kind} policy with name nope cannot be found.` },
    });
  });
});
