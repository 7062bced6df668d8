import type { DomainEvent } from '../kernel/decider.js';
import { NO_POLICIES } from '../policy-holders/principal-policies.js';
import { evolvePolicies, type PolicyEvent, type PolicyHolderState } from '../policy-holders/policy-holder.events.js';

/** Events of a group's stream (`group/AGPA…`). Memberships live in the users' streams. */
export type GroupEvent =
  | DomainEvent<'GroupCreated', { groupId: string; groupName: string; path: string; arn: string }>
  | DomainEvent<'GroupDeleted', { groupId: string; groupName: string }>
  /** UpdateGroup: the name, path and ARN the group has from now on (its id, members and policies stay). */
  | DomainEvent<'GroupUpdated', { groupName: string; path: string; arn: string }>
  /** PolicyAttachedToGroup, PolicyDetachedFromGroup, GroupPolicyPut, GroupPolicyDeleted. */
  | PolicyEvent<'group'>;

export interface GroupState extends PolicyHolderState {
  readonly groupId: string;
  readonly groupName: string;
  readonly path: string;
  readonly arn: string;
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
    default:
      return evolvePolicies('group', state, event);
  }
}
