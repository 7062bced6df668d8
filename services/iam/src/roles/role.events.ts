import type { DomainEvent } from '../kernel/decider.js';
import type { Tag } from '../naming/index.js';
import { NO_POLICIES } from '../policy-holders/principal-policies.js';
import { evolveTaggedHolder, type PolicyEvent, type TagAndBoundaryEvent, type TaggedHolderState } from '../policy-holders/policy-holder.events.js';

/** Events of a role's stream (`role/AROA…`). */
export type RoleEvent =
  | DomainEvent<
      'RoleCreated',
      {
        roleId: string;
        roleName: string;
        path: string;
        arn: string;
        trustPolicy: string;
        /** SHA-256 of the trust policy as validated (`documentHash`); absent from events written before it was recorded. */ trustPolicyHash?: string;
        description: string | null;
        maxSessionDuration: number;
        tags: Tag[];
        permissionsBoundaryArn: string | null;
      }
    >
  | DomainEvent<'RoleDeleted', { roleId: string; roleName: string }>
  | DomainEvent<'RoleUpdated', { description: string | null; maxSessionDuration: number }>
  | DomainEvent<
      'AssumeRolePolicyUpdated',
      { trustPolicy: string; /** SHA-256 of the trust policy as validated (`documentHash`); absent from events written before it was recorded. */ trustPolicyHash?: string }
    >
  /** RoleTagged, RoleUntagged, RolePermissionsBoundaryPut, RolePermissionsBoundaryDeleted. */
  | TagAndBoundaryEvent<'role'>
  /** PolicyAttachedToRole, PolicyDetachedFromRole, RolePolicyPut, RolePolicyDeleted. */
  | PolicyEvent<'role'>
  | DomainEvent<'RoleSessionsRevoked', { before: string }>;

export interface RoleState extends TaggedHolderState {
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  readonly arn: string;
  readonly trustPolicy: string;
  readonly description: string | null;
  readonly maxSessionDuration: number;
  /** ISO 8601; sessions issued before it are refused. */
  readonly sessionsRevokedBefore: string | null;
}

export const INITIAL_ROLE_STATE: RoleState = {
  status: 'none',
  roleId: '',
  roleName: '',
  path: '/',
  arn: '',
  trustPolicy: '',
  description: null,
  maxSessionDuration: 3600,
  tags: [],
  permissionsBoundaryArn: null,
  policies: NO_POLICIES,
  sessionsRevokedBefore: null,
};

export function evolveRole(state: RoleState, event: RoleEvent): RoleState {
  switch (event.type) {
    case 'RoleCreated':
      return { ...INITIAL_ROLE_STATE, status: 'active', ...event.data };
    case 'RoleDeleted':
      return { ...state, status: 'deleted' };
    case 'RoleUpdated':
      return { ...state, ...event.data };
    case 'AssumeRolePolicyUpdated':
      return { ...state, trustPolicy: event.data.trustPolicy };
    case 'RoleSessionsRevoked':
      return { ...state, sessionsRevokedBefore: event.data.before };
    default:
      return evolveTaggedHolder('role', state, event);
  }
}
