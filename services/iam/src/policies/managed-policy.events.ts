import type { DomainEvent } from '../kernel/decider.js';

/** Events of a customer-managed policy's stream (`policy/ANPA…`). */
export type ManagedPolicyEvent =
  | DomainEvent<
      'PolicyCreated',
      {
        policyId: string;
        policyName: string;
        path: string;
        arn: string;
        description: string | null;
        document: string;
        /** SHA-256 of the document as validated (`documentHash`); absent from events written before it was recorded, then taken from the text. */ documentHash?: string;
      }
    >
  | DomainEvent<
      'PolicyVersionCreated',
      {
        versionId: string;
        document: string;
        /** SHA-256 of the document as validated (`documentHash`); absent from events written before it was recorded, then taken from the text. */ documentHash?: string;
        setAsDefault: boolean;
      }
    >
  | DomainEvent<'DefaultPolicyVersionSet', { versionId: string }>
  | DomainEvent<'PolicyVersionDeleted', { versionId: string }>
  | DomainEvent<'PolicyDeleted', { policyId: string; policyName: string; arn: string }>;

export interface ManagedPolicyState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly policyId: string;
  readonly policyName: string;
  readonly arn: string;
  readonly defaultVersionId: string;
  /** Version ids in creation order. */
  readonly versionIds: readonly string[];
  readonly nextVersionNumber: number;
}

export const INITIAL_MANAGED_POLICY_STATE: ManagedPolicyState = {
  status: 'none',
  policyId: '',
  policyName: '',
  arn: '',
  defaultVersionId: '',
  versionIds: [],
  nextVersionNumber: 1,
};

export function evolveManagedPolicy(state: ManagedPolicyState, event: ManagedPolicyEvent): ManagedPolicyState {
  switch (event.type) {
    case 'PolicyCreated':
      return {
        ...INITIAL_MANAGED_POLICY_STATE,
        status: 'active',
        policyId: event.data.policyId,
        policyName: event.data.policyName,
        arn: event.data.arn,
        defaultVersionId: 'v1',
        versionIds: ['v1'],
        nextVersionNumber: 2,
      };
    case 'PolicyVersionCreated':
      return {
        ...state,
        versionIds: [...state.versionIds, event.data.versionId],
        nextVersionNumber: state.nextVersionNumber + 1,
        defaultVersionId: event.data.setAsDefault ? event.data.versionId : state.defaultVersionId,
      };
    case 'DefaultPolicyVersionSet':
      return { ...state, defaultVersionId: event.data.versionId };
    case 'PolicyVersionDeleted':
      return { ...state, versionIds: state.versionIds.filter((id) => id !== event.data.versionId) };
    case 'PolicyDeleted':
      return { ...state, status: 'deleted' };
  }
}
