import type { StoredEvent } from '@warden/db';
import { evolveGroup, type GroupEvent, type GroupState, INITIAL_GROUP_STATE } from '../groups/group.events.js';
import { evolveManagedPolicy, INITIAL_MANAGED_POLICY_STATE, type ManagedPolicyEvent, type ManagedPolicyState } from '../policies/managed-policy.events.js';
import { evolveRole, INITIAL_ROLE_STATE, type RoleEvent, type RoleState } from '../roles/role.events.js';
import { evolveUser, INITIAL_USER_STATE, type UserEvent, type UserState } from '../users/user.events.js';

/**
 * What an account's authorization depended on at one point of its log: every user, group, role and
 * customer managed policy, each folded with its own stream's `evolve` (the deciders' states, so a
 * point-in-time answer and the write path read the same history the same way), plus what those
 * states leave out and a decision needs: the documents of each policy version. Keyed by stream id.
 * Plain JSON, so that it can be stored as a snapshot.
 */
export interface AccountHistory {
  readonly users: Record<string, UserState>;
  readonly groups: Record<string, GroupState>;
  readonly roles: Record<string, RoleState>;
  readonly policies: Record<string, HistoricalPolicy>;
}

export interface HistoricalPolicy {
  readonly state: ManagedPolicyState;
  /** The document of each version the policy has, by version id. */
  readonly documents: Readonly<Record<string, string>>;
}

export function emptyAccountHistory(): AccountHistory {
  return { users: {}, groups: {}, roles: {}, policies: {} };
}

/** The streams a decision depends on; every other stream (sessions, devices, sign-ins…) is left out of the fold. */
export const HISTORY_STREAM_KINDS = ['user', 'group', 'role', 'policy'];

/**
 * Applies one stored event to `history`, in place: the fold owns its history, and an account of
 * 100,000 events would otherwise copy every entity's record for each event.
 */
export function applyHistoryEvent(history: AccountHistory, stored: Pick<StoredEvent, 'streamId' | 'type' | 'data'>): void {
  const event = { type: stored.type, data: stored.data };
  const id = stored.streamId;
  if (id.startsWith('user/')) history.users[id] = evolveUser(history.users[id] ?? INITIAL_USER_STATE, event as UserEvent);
  else if (id.startsWith('group/')) history.groups[id] = evolveGroup(history.groups[id] ?? INITIAL_GROUP_STATE, event as GroupEvent);
  else if (id.startsWith('role/')) history.roles[id] = evolveRole(history.roles[id] ?? INITIAL_ROLE_STATE, event as RoleEvent);
  else if (id.startsWith('policy/')) history.policies[id] = evolvePolicy(history.policies[id], event as ManagedPolicyEvent);
}

function evolvePolicy(policy: HistoricalPolicy | undefined, event: ManagedPolicyEvent): HistoricalPolicy {
  const state = evolveManagedPolicy(policy?.state ?? INITIAL_MANAGED_POLICY_STATE, event);
  const documents = policy?.documents ?? {};
  switch (event.type) {
    case 'PolicyCreated':
      return { state, documents: { [state.defaultVersionId]: event.data.document } };
    case 'PolicyVersionCreated':
      return { state, documents: { ...documents, [event.data.versionId]: event.data.document } };
    case 'PolicyVersionDeleted': {
      const remaining = { ...documents };
      delete remaining[event.data.versionId];
      return { state, documents: remaining };
    }
    case 'DefaultPolicyVersionSet':
    case 'PolicyDeleted':
      return { state, documents };
  }
}
