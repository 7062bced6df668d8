import type { DomainEvent } from '../decider.js';
import { NO_POLICIES, type PrincipalPolicies, withAttached, withInline, withoutAttached, withoutInline } from '../policy-holders/principal-policies.js';

/** Events of a group's stream (`group/AGPA…`). Memberships live in the users' streams. */
export type GroupEvent =
  | DomainEvent<'GroupCreated', { groupId: string; groupName: string; path: string; arn: string }>
  | DomainEvent<'GroupDeleted', { groupId: string; groupName: string }>
  /** UpdateGroup: the name, path and ARN the group has from now on (its id, members and policies stay). */
  | DomainEvent<'GroupUpdated', { groupName: string; path: string; arn: string }>
  | DomainEvent<'PolicyAttachedToGroup', { policyArn: string }>
  | DomainEvent<'PolicyDetachedFromGroup', { policyArn: string }>
  | DomainEvent<'GroupPolicyPut', { policyName: string; document: string }>
  | DomainEvent<'GroupPolicyDeleted', { policyName: string }>;

export interface GroupState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly groupId: string;
  readonly groupName: string;
  readonly path: string;
  readonly arn: string;
  readonly policies: PrincipalPolicies;
}

export const INITIAL_GROUP_STATE: GroupState = { status: 'none', groupId: '', groupName: '', path: '/', arn: '', policies: NO_POLICIES };

export function evolveGroup(state: GroupState, event: GroupEvent): GroupState {
  switch (event.type) {
    case 'GroupCreated':
      return { ...INITIAL_GROUP_STATE, status: 'active', ...event.data };
    case 'GroupDeleted':
      return { ...state, status: 'deleted' };
    case 'GroupUpdated':
      return { ...state, groupName: event.data.groupName, path: event.data.path, arn: event.data.arn };
    case 'PolicyAttachedToGroup':
      return { ...state, policies: withAttached(state.policies, event.data.policyArn) };
    case 'PolicyDetachedFromGroup':
      return { ...state, policies: withoutAttached(state.policies, event.data.policyArn) };
    case 'GroupPolicyPut':
      return { ...state, policies: withInline(state.policies, event.data.policyName, event.data.document) };
    case 'GroupPolicyDeleted':
      return { ...state, policies: withoutInline(state.policies, event.data.policyName) };
  }
}
