import { managedPolicy, type PrincipalRecord } from '../authorization/principal-policy-loader.js';
import { type AssembledPolicies, assemblePolicies, MISSING_BOUNDARY, type PolicyHolding } from '../authorization/policy-assembly.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import type { PrincipalPolicies as HeldPolicies } from '../policy-holders/principal-policies.js';
import type { AccountHistory } from './account-history.js';

/**
 * A principal and its policies as an account's history had them: the same record and the same
 * assembly (`assemblePolicies`) the live read gives the authorizer, from folded states instead of
 * read-model rows.
 */
export interface PrincipalAt {
  readonly record: PrincipalRecord;
  /** The principal's own stream and those whose events can change what it may do (its groups, its policies). */
  readonly streams: ReadonlySet<string>;
  readonly policies: AssembledPolicies;
}

/** The user or role that had `arn` in `history`, or undefined when none did (not created yet, or deleted). */
export function principalAt(history: AccountHistory, accountId: string, arn: string): PrincipalAt | undefined {
  for (const [streamId, user] of Object.entries(history.users)) {
    if (user.status !== 'active' || user.arn !== arn) continue;
    const record: PrincipalRecord = { type: 'user', id: user.userId, name: user.userName, arn, accountId, permissionsBoundaryArn: user.permissionsBoundaryArn, tags: user.tags };
    const groups = user.groupIds.map((groupId) => [`group/${groupId}`, history.groups[`group/${groupId}`]] as const).filter(([, group]) => group?.status === 'active');
    return withPolicies(
      history,
      record,
      holding(streamId, user.policies),
      groups.map(([id, group]) => holding(id, group!.policies)),
    );
  }
  for (const [streamId, role] of Object.entries(history.roles)) {
    if (role.status !== 'active' || role.arn !== arn) continue;
    const record: PrincipalRecord = { type: 'role', id: role.roleId, name: role.roleName, arn, accountId, permissionsBoundaryArn: role.permissionsBoundaryArn, tags: role.tags };
    return withPolicies(history, record, holding(streamId, role.policies), []);
  }
  return undefined;
}

function holding(holder: string, policies: HeldPolicies): PolicyHolding<{ name: string; document: string }> {
  return { holder, attached: policies.attached, inline: Object.entries(policies.inline).map(([name, document]) => ({ name, document })) };
}

function withPolicies(
  history: AccountHistory,
  record: PrincipalRecord,
  own: PolicyHolding<{ name: string; document: string }>,
  groups: readonly PolicyHolding<{ name: string; document: string }>[],
): PrincipalAt {
  const managed = new Map<string, { streamId: string; document: string | undefined }>();
  for (const [streamId, policy] of Object.entries(history.policies)) {
    if (policy.state.status === 'active') managed.set(policy.state.arn, { streamId, document: policy.documents[policy.state.defaultVersionId] });
  }
  const streams = new Set([own.holder, ...groups.map((group) => group.holder)]);
  const policies = assemblePolicies(own, groups, record.permissionsBoundaryArn, {
    managed: (arn) => {
      const stream = managed.get(arn)?.streamId;
      if (stream) streams.add(stream);
      const document = findAwsManagedPolicy(arn)?.document ?? managed.get(arn)?.document;
      return document === undefined ? undefined : managedPolicy(arn, document);
    },
    inline: (policy) => policy,
    missingBoundary: (arn) => managedPolicy(arn, MISSING_BOUNDARY),
  });
  return { record, streams, policies };
}
