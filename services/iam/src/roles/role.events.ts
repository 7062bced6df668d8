import type { DomainEvent } from '../decider.js';
import type { Tag } from '../naming/index.js';
import { NO_POLICIES, type PrincipalPolicies, withAttached, withInline, withoutAttached, withoutInline } from '../policy-holders/principal-policies.js';

/** Events of a role's stream (`role/AROA…`). */
export type RoleEvent =
  | DomainEvent<
      'RoleCreated',
      { roleId: string; roleName: string; path: string; arn: string; trustPolicy: string; description: string | null; maxSessionDuration: number; tags: Tag[]; permissionsBoundaryArn: string | null }
    >
  | DomainEvent<'RoleDeleted', { roleId: string; roleName: string }>
  | DomainEvent<'RoleUpdated', { description: string | null; maxSessionDuration: number }>
  | DomainEvent<'AssumeRolePolicyUpdated', { trustPolicy: string }>
  | DomainEvent<'RoleTagged', { tags: Tag[] }>
  | DomainEvent<'RoleUntagged', { tagKeys: string[] }>
  | DomainEvent<'RolePermissionsBoundaryPut', { policyArn: string }>
  | DomainEvent<'RolePermissionsBoundaryDeleted', Record<string, never>>
  | DomainEvent<'PolicyAttachedToRole', { policyArn: string }>
  | DomainEvent<'PolicyDetachedFromRole', { policyArn: string }>
  | DomainEvent<'RolePolicyPut', { policyName: string; document: string }>
  | DomainEvent<'RolePolicyDeleted', { policyName: string }>
  | DomainEvent<'RoleSessionsRevoked', { before: string }>;

export interface RoleState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  readonly arn: string;
  readonly trustPolicy: string;
  readonly description: string | null;
  readonly maxSessionDuration: number;
  readonly tags: readonly Tag[];
  readonly permissionsBoundaryArn: string | null;
  readonly policies: PrincipalPolicies;
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
    case 'RoleTagged': {
      const keys = new Set(event.data.tags.map((tag) => tag.key.toLowerCase()));
      return { ...state, tags: [...state.tags.filter((tag) => !keys.has(tag.key.toLowerCase())), ...event.data.tags] };
    }
    case 'RoleUntagged': {
      const keys = new Set(event.data.tagKeys.map((key) => key.toLowerCase()));
      return { ...state, tags: state.tags.filter((tag) => !keys.has(tag.key.toLowerCase())) };
    }
    case 'RolePermissionsBoundaryPut':
      return { ...state, permissionsBoundaryArn: event.data.policyArn };
    case 'RolePermissionsBoundaryDeleted':
      return { ...state, permissionsBoundaryArn: null };
    case 'PolicyAttachedToRole':
      return { ...state, policies: withAttached(state.policies, event.data.policyArn) };
    case 'PolicyDetachedFromRole':
      return { ...state, policies: withoutAttached(state.policies, event.data.policyArn) };
    case 'RolePolicyPut':
      return { ...state, policies: withInline(state.policies, event.data.policyName, event.data.document) };
    case 'RolePolicyDeleted':
      return { ...state, policies: withoutInline(state.policies, event.data.policyName) };
    case 'RoleSessionsRevoked':
      return { ...state, sessionsRevokedBefore: event.data.before };
  }
}
