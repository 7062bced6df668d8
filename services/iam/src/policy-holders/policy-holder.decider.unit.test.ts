import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Decider, DomainEvent } from '../kernel/decider.js';
import { given } from '../kernel/decider-spec.js';
import { groupDecider } from '../groups/group.decider.js';
import type { GroupEvent } from '../groups/group.events.js';
import { InvalidInputError, LimitExceededError, MalformedPolicyDocumentError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { roleDecider } from '../roles/role.decider.js';
import type { RoleEvent } from '../roles/role.events.js';
import { userDecider } from '../users/user.decider.js';
import type { UserEvent } from '../users/user.events.js';
import type { HolderKind, TaggedHolderKind } from './policy-holder-kind.js';
import { type PolicyCommand, policyCommandTypes, type TagAndBoundaryCommand, tagAndBoundaryCommandTypes } from './policy-holder.decider.js';
import { type PolicyEvent, policyEventTypes, type PolicyHolderState, type TagAndBoundaryEvent, tagAndBoundaryEventTypes, type TaggedHolderState } from './policy-holder.events.js';

/** The SHA-256 of a text in hex, computed here rather than by the code under test. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const ACCOUNT_ARN = 'arn:aws:iam::111122223333';
const POLICY_A = `${ACCOUNT_ARN}:policy/ReadOnly`;
const POLICY_B = `${ACCOUNT_ARN}:policy/Billing`;
const BOUNDARY = `${ACCOUNT_ARN}:policy/Boundary`;
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

const tag = (key: string, value = ''): Tag => ({ key, value });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

/** An identity policy of exactly `chars` characters, with no white space. */
function documentOfSize(chars: number): string {
  const build = (pad: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket/${pad}` }] });
  const document = build('x'.repeat(chars - build('').length));
  expect(document).toHaveLength(chars);
  return document;
}

/** A holder of one kind, through its own entity's decider, and the history that creates and deletes it. */
interface Holder<K extends HolderKind> {
  readonly kind: K;
  readonly name: string;
  readonly decider: Decider<PolicyCommand<K>, DomainEvent, PolicyHolderState>;
  created(): DomainEvent;
  readonly deleted: DomainEvent;
  /** AWS's quota on the aggregate size of the holder's inline policies, white space not counted. */
  readonly inlineLimit: number;
}

interface TaggedHolder<K extends TaggedHolderKind> extends Omit<Holder<K>, 'decider' | 'created'> {
  readonly decider: Decider<PolicyCommand<K> | TagAndBoundaryCommand<K>, DomainEvent, TaggedHolderState>;
  created(permissionsBoundaryArn?: string): DomainEvent;
}

const USER_ID = 'AIDAEXAMPLEUSER000001';
const GROUP_ID = 'AGPAEXAMPLEGROUP00001';
const ROLE_ID = 'AROAEXAMPLEROLE000001';
const userCreated = (permissionsBoundaryArn: string | null = null): UserEvent => ({
  type: 'UserCreated',
  data: { userId: USER_ID, userName: 'alice', path: '/', arn: `${ACCOUNT_ARN}:user/alice`, tags: [], permissionsBoundaryArn },
});
const roleCreated = (permissionsBoundaryArn: string | null = null): RoleEvent => ({
  type: 'RoleCreated',
  data: { roleId: ROLE_ID, roleName: 'deployer', path: '/', arn: `${ACCOUNT_ARN}:role/deployer`, trustPolicy: TRUST, description: null, maxSessionDuration: 3600, tags: [], permissionsBoundaryArn },
});
const groupCreated: GroupEvent = { type: 'GroupCreated', data: { groupId: GROUP_ID, groupName: 'admins', path: '/', arn: `${ACCOUNT_ARN}:group/admins` } };
const userDeleted: UserEvent = { type: 'UserDeleted', data: { userId: USER_ID, userName: 'alice' } };
const groupDeleted: GroupEvent = { type: 'GroupDeleted', data: { groupId: GROUP_ID, groupName: 'admins' } };
const roleDeleted: RoleEvent = { type: 'RoleDeleted', data: { roleId: ROLE_ID, roleName: 'deployer' } };

// The inline limits: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — "User policy size cannot
// exceed 2,048 characters", "Role policy size cannot exceed 10,240 characters", "Group policy size cannot exceed 5,120
// characters" (each the sum of all the entity's inline policies).
const USERS: TaggedHolder<'user'> = { kind: 'user', name: 'alice', decider: userDecider, created: userCreated, deleted: userDeleted, inlineLimit: 2048 };
const GROUPS: Holder<'group'> = { kind: 'group', name: 'admins', decider: groupDecider, created: () => groupCreated, deleted: groupDeleted, inlineLimit: 5120 };
const ROLES: TaggedHolder<'role'> = { kind: 'role', name: 'deployer', decider: roleDecider, created: roleCreated, deleted: roleDeleted, inlineLimit: 10240 };

// Stored events carry these types, and each command is authorized as the IAM action of its name: none may change.
it('names each kind’s commands as AWS’s actions and its events as the stored events are named', () => {
  const names = (types: Readonly<Record<string, string>>) => Object.values(types).join(' ');
  expect(names(policyCommandTypes('user'))).toBe('AttachUserPolicy DetachUserPolicy PutUserPolicy DeleteUserPolicy');
  expect(names(policyEventTypes('user'))).toBe('PolicyAttachedToUser PolicyDetachedFromUser UserPolicyPut UserPolicyDeleted');
  expect(names(tagAndBoundaryCommandTypes('user'))).toBe('TagUser UntagUser PutUserPermissionsBoundary DeleteUserPermissionsBoundary');
  expect(names(tagAndBoundaryEventTypes('user'))).toBe('UserTagged UserUntagged UserPermissionsBoundaryPut UserPermissionsBoundaryDeleted');
  expect(names(policyCommandTypes('group'))).toBe('AttachGroupPolicy DetachGroupPolicy PutGroupPolicy DeleteGroupPolicy');
  expect(names(policyEventTypes('group'))).toBe('PolicyAttachedToGroup PolicyDetachedFromGroup GroupPolicyPut GroupPolicyDeleted');
  expect(names(policyCommandTypes('role'))).toBe('AttachRolePolicy DetachRolePolicy PutRolePolicy DeleteRolePolicy');
  expect(names(policyEventTypes('role'))).toBe('PolicyAttachedToRole PolicyDetachedFromRole RolePolicyPut RolePolicyDeleted');
  expect(names(tagAndBoundaryCommandTypes('role'))).toBe('TagRole UntagRole PutRolePermissionsBoundary DeleteRolePermissionsBoundary');
  expect(names(tagAndBoundaryEventTypes('role'))).toBe('RoleTagged RoleUntagged RolePermissionsBoundaryPut RolePermissionsBoundaryDeleted');
});

// Each kind's spec is the same generic function, so that its commands and events are typed for that kind alone.
describePolicies(USERS);
describePolicies(GROUPS);
describePolicies(ROLES);
describeTagsAndBoundary(USERS);
describeTagsAndBoundary(ROLES);

function describePolicies<K extends HolderKind>(holder: Holder<K>): void {
  describe(`a ${holder.kind}’s policies`, () => {
    const commands = policyCommandTypes(holder.kind);
    const events = policyEventTypes(holder.kind);
    const attach = (policyArn: string, quota = 10): PolicyCommand<K> => ({ type: commands.attachPolicy, policyArn, quota });
    const detach = (policyArn: string): PolicyCommand<K> => ({ type: commands.detachPolicy, policyArn });
    const put = (policyName: string, document = DOCUMENT): PolicyCommand<K> => ({ type: commands.putPolicy, policyName, document });
    const remove = (policyName: string): PolicyCommand<K> => ({ type: commands.deletePolicy, policyName });
    const attached = (policyArn: string): PolicyEvent<K> => ({ type: events.policyAttached, data: { policyArn } });
    const detached = (policyArn: string): PolicyEvent<K> => ({ type: events.policyDetached, data: { policyArn } });
    const inlinePut = (policyName: string, document = DOCUMENT): PolicyEvent<K> => ({ type: events.inlinePolicyPut, data: { policyName, document, documentHash: sha256(document) } });
    const inlineDeleted = (policyName: string): PolicyEvent<K> => ({ type: events.inlinePolicyDeleted, data: { policyName } });
    const existing = (...more: DomainEvent[]) => given(holder.decider, [holder.created(), ...more]);
    const attachedUpTo = (n: number) => Array.from({ length: n }, (_, i) => attached(`${POLICY_A}${i}`));

    describe('attaching and detaching managed policies', () => {
      it('attaches a managed policy', () => {
        const state = existing()
          .when(attach(POLICY_A))
          .then([attached(POLICY_A)]);
        expect(state.policies.attached).toEqual([POLICY_A]);
      });

      it('does nothing when the policy is already attached, even at the quota', () => {
        existing(attached(POLICY_A)).when(attach(POLICY_A)).then([]);
        existing(attached(POLICY_A)).when(attach(POLICY_A, 1)).then([]);
      });

      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — managed policies attached to an IAM user, role or group: 10 (default)
      it('refuses an attachment beyond the quota', () => {
        existing(...attachedUpTo(10))
          .when(attach(POLICY_B, 10))
          .thenThrows(LimitExceededError, 'Cannot exceed quota for PoliciesPerPrincipal: 10.');
      });

      it('allows the attachment that reaches the quota', () => {
        existing(...attachedUpTo(9))
          .when(attach(POLICY_B, 10))
          .then([attached(POLICY_B)]);
      });

      it('honours a raised quota', () => {
        existing(...attachedUpTo(10))
          .when(attach(POLICY_B, 20))
          .then([attached(POLICY_B)]);
      });

      it('detaches an attached policy, keeping the others', () => {
        const state = existing(attached(POLICY_A), attached(POLICY_B))
          .when(detach(POLICY_A))
          .then([detached(POLICY_A)]);
        expect(state.policies.attached).toEqual([POLICY_B]);
        const none = existing(attached(POLICY_A))
          .when(detach(POLICY_A))
          .then([detached(POLICY_A)]);
        expect(none.policies.attached).toEqual([]);
      });

      it('refuses to detach a policy that is not attached', () => {
        const message = `Policy ${POLICY_A} was not found attached to ${holder.kind} ${holder.name}.`;
        existing(attached(POLICY_B)).when(detach(POLICY_A)).thenThrows(NoSuchEntityError, message);
        existing().when(detach(POLICY_A)).thenThrows(NoSuchEntityError, message);
        existing(attached(POLICY_A), detached(POLICY_A)).when(detach(POLICY_A)).thenThrows(NoSuchEntityError, message);
      });
    });

    describe('putting and deleting inline policies', () => {
      const limit = holder.inlineLimit;
      // Two policies a little under half the limit fit together; two a little over half do not.
      const underHalf = limit / 2 - 24;
      const overHalf = limit / 2 + 76;
      const tooLarge = new RegExp(`^Maximum policy size of ${limit} bytes exceeded for ${holder.kind}`);

      it('puts an inline policy', () => {
        const state = existing()
          .when(put('S3Read'))
          .then([inlinePut('S3Read')]);
        expect(state.policies.inline).toEqual({ S3Read: DOCUMENT });
      });

      it('replaces an inline policy of the same name', () => {
        const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
        const state = existing(inlinePut('S3Read'))
          .when(put('S3Read', other))
          .then([inlinePut('S3Read', other)]);
        expect(state.policies.inline).toEqual({ S3Read: other });
      });

      // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html (and PutGroupPolicy, PutRolePolicy) — PolicyName 1–128 of [\w+=,.@-]
      it.each(['', 'my policy', 'a/b', 'p'.repeat(129)])('rejects the policy name %#', (policyName) => {
        existing()
          .when(put(policyName))
          .thenThrows(InvalidInputError, /^PolicyName /);
      });

      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — Effect is "Allow" or "Deny"; identity policies need Action and Resource, and no Principal
      it.each([
        ['a lowercase effect with no action or resource', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
        ['text that is not JSON', '{', /not valid JSON/],
        ['a statement without a Resource', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }), /needs Resource or NotResource/],
        [
          'a Principal in an identity policy',
          JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }),
          /cannot have Principal/,
        ],
        ['a trust policy put as a permissions policy', TRUST, /cannot have Principal/],
      ])('rejects %s', (_why, document, message) => {
        const error = existing().when(put('p', document)).thenThrows(MalformedPolicyDocumentError, message);
        expect(error.findings.length).toBeGreaterThan(0);
      });

      it('accepts one inline policy as large as the aggregate limit', () => {
        existing()
          .when(put('big', documentOfSize(limit)))
          .then([inlinePut('big', documentOfSize(limit))]);
      });

      it('accepts inline policies whose aggregate size is within the limit', () => {
        existing(inlinePut('first', documentOfSize(underHalf)))
          .when(put('second', documentOfSize(underHalf)))
          .then([inlinePut('second', documentOfSize(underHalf))]);
      });

      it('counts a replaced inline policy once, not twice, toward the aggregate', () => {
        existing(inlinePut('first', documentOfSize(overHalf)))
          .when(put('first', documentOfSize(overHalf)))
          .then([inlinePut('first', documentOfSize(overHalf))]);
      });

      // Regression: checking each document alone would let the sum pass the limit.
      it('refuses an inline policy that takes the aggregate past the limit', () => {
        existing(inlinePut('first', documentOfSize(overHalf)))
          .when(put('second', documentOfSize(overHalf)))
          .thenThrows(LimitExceededError, tooLarge);
      });

      it('puts the aggregate limit at exactly the limit, counting every other inline policy', () => {
        const others = [inlinePut('a', documentOfSize(600)), inlinePut('b', documentOfSize(600))];
        existing(...others)
          .when(put('c', documentOfSize(limit - 1200)))
          .then([inlinePut('c', documentOfSize(limit - 1200))]);
        existing(...others)
          .when(put('c', documentOfSize(limit - 1199)))
          .thenThrows(LimitExceededError, tooLarge);
      });

      it('frees the size of a deleted inline policy', () => {
        existing(inlinePut('a', documentOfSize(overHalf)), inlineDeleted('a'))
          .when(put('b', documentOfSize(overHalf)))
          .then([inlinePut('b', documentOfSize(overHalf))]);
      });

      it('deletes an inline policy, keeping the others', () => {
        const state = existing(inlinePut('a'), inlinePut('b'))
          .when(remove('a'))
          .then([inlineDeleted('a')]);
        expect(state.policies.inline).toEqual({ b: DOCUMENT });
        const none = existing(inlinePut('a'))
          .when(remove('a'))
          .then([inlineDeleted('a')]);
        expect(none.policies.inline).toEqual({});
      });

      it('refuses to delete an inline policy it does not have', () => {
        existing(inlinePut('a')).when(remove('b')).thenThrows(NoSuchEntityError, `The ${holder.kind} has no inline policy named b.`);
        existing(inlinePut('b'), inlineDeleted('b')).when(remove('b')).thenThrows(NoSuchEntityError, `The ${holder.kind} has no inline policy named b.`);
      });
    });

    describe('needs an existing holder', () => {
      const all = [attach(POLICY_A), detach(POLICY_A), put('p'), remove('p')];

      it.each(all.map((command) => [command.type, command] as const))('%s on one that never existed', (_type, command) => {
        given(holder.decider, []).when(command).thenThrows(NoSuchEntityError, `The ${holder.kind} with the given name cannot be found.`);
      });

      // The deleted holder still "has" what it had, so only the existence check can refuse these.
      it.each(all.map((command) => [command.type, command] as const))('%s on a deleted one', (_type, command) => {
        given(holder.decider, [holder.created(), attached(POLICY_A), inlinePut('p'), holder.deleted])
          .when(command)
          .thenThrows(NoSuchEntityError, `The ${holder.kind} with the given name cannot be found.`);
      });
    });
  });
}

function describeTagsAndBoundary<K extends TaggedHolderKind>(holder: TaggedHolder<K>): void {
  describe(`a ${holder.kind}’s tags and permissions boundary`, () => {
    const commands = tagAndBoundaryCommandTypes(holder.kind);
    const events = tagAndBoundaryEventTypes(holder.kind);
    const tagWith = (...added: Tag[]): TagAndBoundaryCommand<K> => ({ type: commands.tag, tags: added });
    const untag = (...tagKeys: string[]): TagAndBoundaryCommand<K> => ({ type: commands.untag, tagKeys });
    const putBoundary: TagAndBoundaryCommand<K> = { type: commands.putPermissionsBoundary, policyArn: BOUNDARY };
    const deleteBoundary: TagAndBoundaryCommand<K> = { type: commands.deletePermissionsBoundary };
    const tagged = (...added: Tag[]): TagAndBoundaryEvent<K> => ({ type: events.tagged, data: { tags: added } });
    const untagged = (...tagKeys: string[]): TagAndBoundaryEvent<K> => ({ type: events.untagged, data: { tagKeys } });
    const boundaryPut: TagAndBoundaryEvent<K> = { type: events.permissionsBoundaryPut, data: { policyArn: BOUNDARY } };
    const boundaryDeleted: TagAndBoundaryEvent<K> = { type: events.permissionsBoundaryDeleted, data: {} };
    const existing = (...more: DomainEvent[]) => given(holder.decider, [holder.created(), ...more]);

    describe('tagging', () => {
      it('tags it', () => {
        const state = existing()
          .when(tagWith(tag('team', 'platform')))
          .then([tagged(tag('team', 'platform'))]);
        expect(state.tags).toEqual([tag('team', 'platform')]);
      });

      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html — on users and roles, Department and department are the same key: the new tag replaces the old
      it('replaces an existing tag whose key differs only in case', () => {
        const state = existing(tagged(tag('Department', 'finance'), tag('env', 'prod')))
          .when(tagWith(tag('department', 'hr')))
          .then([tagged(tag('department', 'hr'))]);
        expect(state.tags).toEqual([tag('env', 'prod'), tag('department', 'hr')]);
      });

      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — 50 tags per user or role
      it('allows replacing a tag on one that already has 50', () => {
        const state = existing(tagged(...tags(50)))
          .when(tagWith(tag('K0', 'new')))
          .then([tagged(tag('K0', 'new'))]);
        expect(state.tags).toHaveLength(50);
      });

      it('counts only the tags that stay toward the 50', () => {
        existing(tagged(...tags(50)))
          .when(tagWith(tag('K1', 'new'), tag('k2', 'new')))
          .then([tagged(tag('K1', 'new'), tag('k2', 'new'))]);
        existing(tagged(...tags(50)))
          .when(tagWith(tag('K1', 'new'), tag('extra')))
          .thenThrows(InvalidInputError, 'An entity can have at most 50 tags; this would give it 51 (49 already there and 2 new).');
      });

      it('refuses a 51st tag', () => {
        existing(tagged(...tags(50)))
          .when(tagWith(tag('one-more')))
          .thenThrows(InvalidInputError, 'An entity can have at most 50 tags; this would give it 51 (50 already there and 1 new).');
      });

      it.each([
        ['a value that begins with aws:', tag('team', 'AWS:managed'), /value must not begin with "aws:"/],
        ['an empty key', tag(''), /key must be 1 to 128 characters long/],
      ])('refuses %s', (_why, bad, message) => {
        existing().when(tagWith(bad)).thenThrows(InvalidInputError, message);
      });

      it('appends nothing when it already has exactly these tags', () => {
        const state = existing(tagged(tag('team', 'platform'), tag('env', 'prod')))
          .when(tagWith(tag('env', 'prod'), tag('team', 'platform')))
          .then([]);
        expect(state.tags).toEqual([tag('team', 'platform'), tag('env', 'prod')]);
      });

      it('records only the tags that change: a new key, a new value, a new spelling of a key', () => {
        existing(tagged(tag('team', 'platform'), tag('env', 'prod'), tag('Owner', 'ana')))
          .when(tagWith(tag('team', 'platform'), tag('env', 'dev'), tag('owner', 'ana'), tag('tier', '1')))
          .then([tagged(tag('env', 'dev'), tag('owner', 'ana'), tag('tier', '1'))]);
      });

      it('still validates every tag of a request that would change nothing', () => {
        existing(tagged(tag('team', 'platform')))
          .when(tagWith(tag('team', 'platform'), tag('aws:x')))
          .thenThrows(InvalidInputError, /reserved for AWS/);
      });
    });

    describe('untagging', () => {
      it('removes the keys, matching them case-insensitively', () => {
        const state = existing(tagged(tag('Team', 'a'), tag('env', 'prod')))
          .when(untag('TEAM'))
          .then([untagged('TEAM')]);
        expect(state.tags).toEqual([tag('env', 'prod')]);
      });

      // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html (and UntagRole) — TagKeys: at most 50 items
      it('removes 50 keys at once', () => {
        const keys = tags(50).map((t) => t.key);
        const state = existing(tagged(...tags(50)))
          .when(untag(...keys))
          .then([untagged(...keys)]);
        expect(state.tags).toEqual([]);
      });

      it('refuses 51 keys, whether or not it has them', () => {
        const keys = tags(51).map((t) => t.key);
        existing(tagged(...tags(50)))
          .when(untag(...keys))
          .thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
        existing()
          .when(untag(...keys))
          .thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
      });

      // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html (and UntagRole) — each key 1–128 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]
      it.each([
        ['an empty key', '', /^TagKeys\[0\] \(""\) must be 1 to 128 characters long; it is empty\.$/],
        ['a 129-character key', 'k'.repeat(129), /^TagKeys\[0\] must be 1 to 128 characters long; it is 129\.$/],
        ['a key with a forbidden character', 'cost*center', /^TagKeys\[0\] may contain only .*; it contains "\*" \(U\+002A\) at position 5\.$/],
        ['a key with a control character', 'env\u0000', /^TagKeys\[0\] may contain only .*; it contains U\+0000 at position 4\.$/],
      ])('refuses %s', (_why, key, message) => {
        existing(tagged(tag('team', 'x')))
          .when(untag(key))
          .thenThrows(InvalidInputError, message);
      });

      it('appends nothing when it has none of the keys', () => {
        existing(tagged(tag('team', 'x')))
          .when(untag('env', 'owner'))
          .then([]);
        existing().when(untag('team')).then([]);
        existing(tagged(tag('team', 'x')))
          .when(untag())
          .then([]);
      });

      it('records only the keys it has, each tag once', () => {
        const state = existing(tagged(tag('team', 'x'), tag('env', 'prod')))
          .when(untag('absent', 'Team', 'TEAM'))
          .then([untagged('Team')]);
        expect(state.tags).toEqual([tag('env', 'prod')]);
      });
    });

    describe('the permissions boundary', () => {
      it('puts a boundary', () => {
        const state = existing().when(putBoundary).then([boundaryPut]);
        expect(state.permissionsBoundaryArn).toBe(BOUNDARY);
      });

      it('deletes the boundary, whether put later or given at creation', () => {
        const put = existing(boundaryPut).when(deleteBoundary).then([boundaryDeleted]);
        expect(put.permissionsBoundaryArn).toBeNull();
        const fromCreation = given(holder.decider, [holder.created(BOUNDARY)])
          .when(deleteBoundary)
          .then([boundaryDeleted]);
        expect(fromCreation.permissionsBoundaryArn).toBeNull();
      });

      it('refuses to delete a boundary it does not have', () => {
        existing().when(deleteBoundary).thenThrows(NoSuchEntityError, `The ${holder.kind} has no permissions boundary.`);
        existing(boundaryPut, boundaryDeleted).when(deleteBoundary).thenThrows(NoSuchEntityError, `The ${holder.kind} has no permissions boundary.`);
      });
    });

    describe('needs an existing holder', () => {
      const all = [tagWith(tag('team', 'x')), untag('team'), putBoundary, deleteBoundary];

      it.each(all.map((command) => [command.type, command] as const))('%s on one that never existed', (_type, command) => {
        given(holder.decider, []).when(command).thenThrows(NoSuchEntityError, `The ${holder.kind} with the given name cannot be found.`);
      });

      it.each(all.map((command) => [command.type, command] as const))('%s on a deleted one', (_type, command) => {
        given(holder.decider, [holder.created(BOUNDARY), tagged(tag('team', 'x')), holder.deleted])
          .when(command)
          .thenThrows(NoSuchEntityError, `The ${holder.kind} with the given name cannot be found.`);
      });
    });
  });
}
