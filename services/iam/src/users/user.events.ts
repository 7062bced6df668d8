import type { DomainEvent } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { NO_POLICIES } from '../policy-holders/principal-policies.js';
import { evolveTaggedHolder, type PolicyEvent, type TagAndBoundaryEvent, type TaggedHolderState } from '../policy-holders/policy-holder.events.js';
import type { Tag } from '../naming/index.js';

/** Events of a user's stream (`user/AIDA…`): the user, its policies, groups and access keys. */
export type UserEvent =
  | DomainEvent<'UserCreated', { userId: string; userName: string; path: string; arn: string; tags: Tag[]; permissionsBoundaryArn: string | null }>
  | DomainEvent<'UserDeleted', { userId: string; userName: string }>
  /** UpdateUser: the name, path and ARN the user has from now on (its id, and all it holds, stay). */
  | DomainEvent<'UserUpdated', { userName: string; path: string; arn: string }>
  /** UserTagged, UserUntagged, UserPermissionsBoundaryPut, UserPermissionsBoundaryDeleted. */
  | TagAndBoundaryEvent<'user'>
  /** PolicyAttachedToUser, PolicyDetachedFromUser, UserPolicyPut, UserPolicyDeleted. */
  | PolicyEvent<'user'>
  | DomainEvent<'UserAddedToGroup', { groupId: string; groupName: string }>
  | DomainEvent<'UserRemovedFromGroup', { groupId: string; groupName: string }>
  | DomainEvent<'AccessKeyCreated', { accessKeyId: string; secret: EncryptedSecretData }>
  | DomainEvent<'AccessKeyStatusUpdated', { accessKeyId: string; status: 'Active' | 'Inactive'; reason?: string }>
  | DomainEvent<'AccessKeyDeleted', { accessKeyId: string }>
  | DomainEvent<'AccessKeySecretReencrypted', { accessKeyId: string; secret: EncryptedSecretData }>
  | DomainEvent<'LoginProfileCreated', { passwordHash: EncryptedSecretData; passwordResetRequired: boolean }>
  | DomainEvent<'LoginProfileUpdated', { passwordHash: EncryptedSecretData | null; passwordResetRequired: boolean }>
  | DomainEvent<'LoginProfileDeleted', Record<string, never>>
  | DomainEvent<'PasswordChanged', { passwordHash: EncryptedSecretData }>
  | DomainEvent<'PasswordHashReencrypted', { passwordHash: EncryptedSecretData; previousPasswordHashes: readonly EncryptedSecretData[] }>;

export interface UserState extends TaggedHolderState {
  readonly userId: string;
  readonly userName: string;
  readonly path: string;
  readonly arn: string;
  readonly groupIds: readonly string[];
  readonly accessKeys: Readonly<Record<string, 'Active' | 'Inactive'>>;
  readonly hasLoginProfile: boolean;
}

export const INITIAL_USER_STATE: UserState = {
  status: 'none',
  userId: '',
  userName: '',
  path: '/',
  arn: '',
  tags: [],
  permissionsBoundaryArn: null,
  policies: NO_POLICIES,
  groupIds: [],
  accessKeys: {},
  hasLoginProfile: false,
};

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
      return { ...INITIAL_USER_STATE, status: 'active', ...event.data };
    case 'UserDeleted':
      return { ...state, status: 'deleted' };
    case 'UserUpdated':
      return { ...state, userName: event.data.userName, path: event.data.path, arn: event.data.arn };
    case 'UserAddedToGroup':
      return { ...state, groupIds: [...state.groupIds, event.data.groupId] };
    case 'UserRemovedFromGroup':
      return { ...state, groupIds: state.groupIds.filter((id) => id !== event.data.groupId) };
    case 'AccessKeyCreated':
      return { ...state, accessKeys: { ...state.accessKeys, [event.data.accessKeyId]: 'Active' } };
    case 'AccessKeyStatusUpdated':
      return { ...state, accessKeys: { ...state.accessKeys, [event.data.accessKeyId]: event.data.status } };
    case 'AccessKeySecretReencrypted':
      return state;
    case 'LoginProfileCreated':
      return { ...state, hasLoginProfile: true };
    case 'LoginProfileDeleted':
      return { ...state, hasLoginProfile: false };
    case 'LoginProfileUpdated':
    case 'PasswordChanged':
    case 'PasswordHashReencrypted':
      return state;
    case 'AccessKeyDeleted': {
      const accessKeys = { ...state.accessKeys };
      delete accessKeys[event.data.accessKeyId];
      return { ...state, accessKeys };
    }
    default:
      return evolveTaggedHolder('user', state, event);
  }
}
