import { type IamService, nameKey } from '@warden/iam';
import { attachedPolicyShape, encodedDocument, groupShape } from './aws-shapes.js';
import { actionsOf, type QueryAction } from './query-action.js';
import { pageOfAll, pageRequest, pageResult, tagsPageResult } from './query-pagination.js';
import { POLICY_PATH_PREFIX } from './query-parameters.js';

/**
 * IAM's reads of a policy holder's policies and tags over the Query protocol. Users, groups and
 * roles answer them alike (ListAttachedUserPolicies, ListAttachedGroupPolicies…), so each is
 * declared once for the kind, whose name is in the action's name and its parameter's (`UserName`).
 */
const iam = actionsOf('iam');

type HolderName = 'User' | 'Group' | 'Role';

function holderOf(service: IamService, kind: HolderName) {
  return kind === 'User' ? service.users : kind === 'Group' ? service.groups : service.roles;
}

/** ListAttached{Kind}Policies: the holder's managed policies whose path starts with PathPrefix, a page at a time. */
function listAttachedPolicies(kind: HolderName): QueryAction {
  return iam(
    (p) => ({ name: p.required(`${kind}Name`), pathPrefix: p.constrained('PathPrefix', POLICY_PATH_PREFIX) ?? null, page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await holderOf(service, kind).attachedPolicies(caller, input.name, input.pathPrefix), input.page, (arn) => arn),
    (arns, input) => pageResult('AttachedPolicies', arns, input.page, (arn) => arn, attachedPolicyShape),
  );
}

/** List{Kind}Policies: the names of the holder's inline policies, a page at a time. */
function listInlinePolicies(kind: HolderName): QueryAction {
  return iam(
    (p) => ({ name: p.required(`${kind}Name`), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await holderOf(service, kind).inlinePolicyNames(caller, input.name), input.page, (name) => name),
    (names, input) =>
      pageResult(
        'PolicyNames',
        names,
        input.page,
        (name) => name,
        (name) => name,
      ),
  );
}

/** Get{Kind}Policy: one inline policy, its document URL-encoded as IAM returns documents. */
function getInlinePolicy(kind: HolderName): QueryAction {
  return iam(
    (p) => ({ name: p.required(`${kind}Name`), policyName: p.required('PolicyName') }),
    (service, caller, input) => holderOf(service, kind).inlinePolicy(caller, input.name, input.policyName),
    (policy) => ({ [`${kind}Name`]: policy.holderName, PolicyName: policy.policyName, PolicyDocument: encodedDocument(policy.document) }),
  );
}

/** List{Kind}Tags: a user's or a role's tags, a page at a time. */
function listTags(kind: 'User' | 'Role'): QueryAction {
  return iam(
    (p) => ({ name: p.required(`${kind}Name`), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await (kind === 'User' ? service.users : service.roles).tagsOf(caller, input.name), input.page, (tag) => tag.key),
    (tags, input) => tagsPageResult(tags, input.page),
  );
}

export const IAM_HOLDER_ACTIONS = {
  ListAttachedUserPolicies: listAttachedPolicies('User'),
  ListAttachedGroupPolicies: listAttachedPolicies('Group'),
  ListAttachedRolePolicies: listAttachedPolicies('Role'),
  ListUserPolicies: listInlinePolicies('User'),
  ListGroupPolicies: listInlinePolicies('Group'),
  ListRolePolicies: listInlinePolicies('Role'),
  GetUserPolicy: getInlinePolicy('User'),
  GetGroupPolicy: getInlinePolicy('Group'),
  GetRolePolicy: getInlinePolicy('Role'),
  ListUserTags: listTags('User'),
  ListRoleTags: listTags('Role'),
  ListGroupsForUser: iam(
    (p) => ({ name: p.required('UserName'), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.groups.forUser(caller, input.name), input.page, (group) => nameKey(group.groupName)),
    (groups, input) => pageResult('Groups', groups, input.page, (group) => nameKey(group.groupName), groupShape),
  ),
} satisfies Record<string, QueryAction>;
