import { type AssembledPolicies, type PrincipalRecord, principalPolicies } from '../authorization/principal-policy-loader.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import type { PrincipalPolicies as HeldPolicies } from '../policy-holders/principal-policies.js';
import type { AccountHistory } from './account-history.js';

/**
 * A principal and its policies as an account's history had them: the same record and the same
 * assembly (`principalPolicies`) the live read gives the authorizer, from folded states instead of
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
    const holders = [user.policies, ...groups.map(([, group]) => group!.policies)];
    return withPolicies(history, record, [streamId, ...groups.map(([id]) => id)], holders);
  }
  for (const [streamId, role] of Object.entries(history.roles)) {
    if (role.status !== 'active' || role.arn !== arn) continue;
    const record: PrincipalRecord = { type: 'role', id: role.roleId, name: role.roleName, arn, accountId, permissionsBoundaryArn: role.permissionsBoundaryArn, tags: role.tags };
    return withPolicies(history, record, [streamId], [role.policies]);
  }
  return undefined;
}

function withPolicies(history: AccountHistory, record: PrincipalRecord, holderStreams: readonly string[], holders: readonly HeldPolicies[]): PrincipalAt {
  const attached = holders.flatMap((holder) => holder.attached);
  // Inline policies in name order, as the live read has them (the order only numbers the statements).
  const inline = holders.flatMap((holder) => Object.entries(holder.inline).map(([name, document]) => ({ name, document }))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const managed = new Map<string, { streamId: string; document: string | undefined }>();
  for (const [streamId, policy] of Object.entries(history.policies)) {
    if (policy.state.status === 'active') managed.set(policy.state.arn, { streamId, document: policy.documents[policy.state.defaultVersionId] });
  }
  const streams = new Set(holderStreams);
  for (const arn of record.permissionsBoundaryArn ? [...attached, record.permissionsBoundaryArn] : attached) {
    const stream = managed.get(arn)?.streamId;
    if (stream) streams.add(stream);
  }
  const documentOf = (arn: string) => findAwsManagedPolicy(arn)?.document ?? managed.get(arn)?.document;
  return { record, streams, policies: principalPolicies(attached, inline, record.permissionsBoundaryArn, documentOf) };
}
