import type { DomainEvent } from '../kernel/decider.js';
import { type Tag, withoutTagKeys, withTags } from '../naming/index.js';
import { type HolderKind, type KindName, kindName, type TaggedHolderKind } from './policy-holder-kind.js';
import { type PrincipalPolicies, withAttached, withInline, withoutAttached, withoutInline } from './principal-policies.js';

/**
 * The events of a holder's policies, in the holder's own stream. Their types carry the kind
 * (PolicyAttachedToUser, GroupPolicyPut): they are the types stored events have, never to change.
 */
export interface PolicyEvents<K extends HolderKind> {
  readonly policyAttached: DomainEvent<`PolicyAttachedTo${KindName<K>}`, { policyArn: string }>;
  readonly policyDetached: DomainEvent<`PolicyDetachedFrom${KindName<K>}`, { policyArn: string }>;
  readonly inlinePolicyPut: DomainEvent<
    `${KindName<K>}PolicyPut`,
    {
      policyName: string;
      document: string;
      /** SHA-256 of the document as validated (`documentHash`); absent from events written before it was recorded, then taken from the text. */ documentHash?: string;
    }
  >;
  readonly inlinePolicyDeleted: DomainEvent<`${KindName<K>}PolicyDeleted`, { policyName: string }>;
}

export type PolicyEvent<K extends HolderKind> = PolicyEvents<K>[keyof PolicyEvents<K>];

/** The events of a user's or a role's tags and permissions boundary. */
export interface TagAndBoundaryEvents<K extends TaggedHolderKind> {
  readonly tagged: DomainEvent<`${KindName<K>}Tagged`, { tags: Tag[] }>;
  readonly untagged: DomainEvent<`${KindName<K>}Untagged`, { tagKeys: string[] }>;
  readonly permissionsBoundaryPut: DomainEvent<`${KindName<K>}PermissionsBoundaryPut`, { policyArn: string }>;
  readonly permissionsBoundaryDeleted: DomainEvent<`${KindName<K>}PermissionsBoundaryDeleted`, Record<string, never>>;
}

export type TagAndBoundaryEvent<K extends TaggedHolderKind> = TagAndBoundaryEvents<K>[keyof TagAndBoundaryEvents<K>];

export function policyEventTypes<K extends HolderKind>(kind: K): { readonly [Name in keyof PolicyEvents<K>]: PolicyEvents<K>[Name]['type'] } {
  const name = kindName(kind);
  return { policyAttached: `PolicyAttachedTo${name}`, policyDetached: `PolicyDetachedFrom${name}`, inlinePolicyPut: `${name}PolicyPut`, inlinePolicyDeleted: `${name}PolicyDeleted` };
}

export function tagAndBoundaryEventTypes<K extends TaggedHolderKind>(kind: K): { readonly [Name in keyof TagAndBoundaryEvents<K>]: TagAndBoundaryEvents<K>[Name]['type'] } {
  const name = kindName(kind);
  return { tagged: `${name}Tagged`, untagged: `${name}Untagged`, permissionsBoundaryPut: `${name}PermissionsBoundaryPut`, permissionsBoundaryDeleted: `${name}PermissionsBoundaryDeleted` };
}

export function isPolicyEvent<K extends HolderKind>(kind: K, event: DomainEvent): event is PolicyEvent<K> {
  const types: readonly string[] = Object.values(policyEventTypes(kind));
  return types.includes(event.type);
}

/** Narrows a holder's policy event to the one `name` stands for in `policyEventTypes`. */
export function isNamedPolicyEvent<K extends HolderKind, Name extends keyof PolicyEvents<K>>(kind: K, event: PolicyEvent<K>, name: Name): event is PolicyEvents<K>[Name] {
  return event.type === policyEventTypes(kind)[name];
}

/** Narrows a user's or a role's tag or boundary event to the one `name` stands for in `tagAndBoundaryEventTypes`. */
export function isNamedTagAndBoundaryEvent<K extends TaggedHolderKind, Name extends keyof TagAndBoundaryEvents<K>>(
  kind: K,
  event: TagAndBoundaryEvent<K>,
  name: Name,
): event is TagAndBoundaryEvents<K>[Name] {
  return event.type === tagAndBoundaryEventTypes(kind)[name];
}

/** What every holder's state has. */
export interface PolicyHolderState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly policies: PrincipalPolicies;
}

/** What a user's or a role's state has besides. */
export interface TaggedHolderState extends PolicyHolderState {
  readonly tags: readonly Tag[];
  readonly permissionsBoundaryArn: string | null;
}

export function evolvePolicies<K extends HolderKind, State extends PolicyHolderState>(kind: K, state: State, event: PolicyEvent<K>): State {
  return { ...state, policies: policiesAfter(kind, state.policies, event) };
}

function policiesAfter<K extends HolderKind>(kind: K, policies: PrincipalPolicies, event: PolicyEvent<K>): PrincipalPolicies {
  if (isNamedPolicyEvent(kind, event, 'policyAttached')) return withAttached(policies, event.data.policyArn);
  if (isNamedPolicyEvent(kind, event, 'policyDetached')) return withoutAttached(policies, event.data.policyArn);
  if (isNamedPolicyEvent(kind, event, 'inlinePolicyPut')) return withInline(policies, event.data.policyName, event.data.document);
  if (isNamedPolicyEvent(kind, event, 'inlinePolicyDeleted')) return withoutInline(policies, event.data.policyName);
  const _exhaustive: never = event;
  return _exhaustive;
}

/** A user's or a role's state after one of its holder events. */
export function evolveTaggedHolder<K extends TaggedHolderKind, State extends TaggedHolderState>(kind: K, state: State, event: PolicyEvent<K> | TagAndBoundaryEvent<K>): State {
  return isPolicyEvent(kind, event) ? evolvePolicies(kind, state, event) : evolveTagsAndBoundary(kind, state, event);
}

function evolveTagsAndBoundary<K extends TaggedHolderKind, State extends TaggedHolderState>(kind: K, state: State, event: TagAndBoundaryEvent<K>): State {
  if (isNamedTagAndBoundaryEvent(kind, event, 'tagged')) return { ...state, tags: withTags(state.tags, event.data.tags) };
  if (isNamedTagAndBoundaryEvent(kind, event, 'untagged')) return { ...state, tags: withoutTagKeys(state.tags, event.data.tagKeys) };
  if (isNamedTagAndBoundaryEvent(kind, event, 'permissionsBoundaryPut')) return { ...state, permissionsBoundaryArn: event.data.policyArn };
  if (isNamedTagAndBoundaryEvent(kind, event, 'permissionsBoundaryDeleted')) return { ...state, permissionsBoundaryArn: null };
  const _exhaustive: never = event;
  return _exhaustive;
}
