import { DeleteConflictError, EntityAlreadyExistsError, NoSuchEntityError, requireValidInput } from '../kernel/iam-error.js';
import { checkGroupName, checkPath, checkRoleName, checkTagKeys, checkTags, checkUserName, type Tag, tagKeysThatRemove, tagsThatChange } from '../naming/index.js';
import { type HolderKind, type KindName, kindName, type TaggedHolderKind } from './policy-holder-kind.js';
import { type PolicyEvent, policyEventTypes, type PolicyHolderState, type TagAndBoundaryEvent, tagAndBoundaryEventTypes, type TaggedHolderState } from './policy-holder.events.js';
import { checkAttach, checkDeleteInline, checkDetach, checkPutInline, type PrincipalPolicies } from './principal-policies.js';

/**
 * The commands every holder takes, named as AWS's actions are for its kind (AttachUserPolicy,
 * PutRolePolicy): each is authorized as the IAM action of its name.
 */
export interface PolicyCommands<K extends HolderKind> {
  readonly attachPolicy: { type: `Attach${KindName<K>}Policy`; policyArn: string; quota: number };
  readonly detachPolicy: { type: `Detach${KindName<K>}Policy`; policyArn: string };
  readonly putPolicy: { type: `Put${KindName<K>}Policy`; policyName: string; document: string };
  readonly deletePolicy: { type: `Delete${KindName<K>}Policy`; policyName: string };
}

export type PolicyCommand<K extends HolderKind> = PolicyCommands<K>[keyof PolicyCommands<K>];

/** The commands of a user's or a role's tags and permissions boundary. */
export interface TagAndBoundaryCommands<K extends TaggedHolderKind> {
  readonly tag: { type: `Tag${KindName<K>}`; tags: Tag[] };
  readonly untag: { type: `Untag${KindName<K>}`; tagKeys: string[] };
  readonly putPermissionsBoundary: { type: `Put${KindName<K>}PermissionsBoundary`; policyArn: string };
  readonly deletePermissionsBoundary: { type: `Delete${KindName<K>}PermissionsBoundary` };
}

export type TagAndBoundaryCommand<K extends TaggedHolderKind> = TagAndBoundaryCommands<K>[keyof TagAndBoundaryCommands<K>];

export function policyCommandTypes<K extends HolderKind>(kind: K): { readonly [Name in keyof PolicyCommands<K>]: PolicyCommands<K>[Name]['type'] } {
  const name = kindName(kind);
  return { attachPolicy: `Attach${name}Policy`, detachPolicy: `Detach${name}Policy`, putPolicy: `Put${name}Policy`, deletePolicy: `Delete${name}Policy` };
}

export function tagAndBoundaryCommandTypes<K extends TaggedHolderKind>(kind: K): { readonly [Name in keyof TagAndBoundaryCommands<K>]: TagAndBoundaryCommands<K>[Name]['type'] } {
  const name = kindName(kind);
  return { tag: `Tag${name}`, untag: `Untag${name}`, putPermissionsBoundary: `Put${name}PermissionsBoundary`, deletePermissionsBoundary: `Delete${name}PermissionsBoundary` };
}

function isPolicyCommand<K extends HolderKind>(kind: K, command: { readonly type: string }): command is PolicyCommand<K> {
  const types: readonly string[] = Object.values(policyCommandTypes(kind));
  return types.includes(command.type);
}

function isNamedPolicyCommand<K extends HolderKind, Name extends keyof PolicyCommands<K>>(kind: K, command: PolicyCommand<K>, name: Name): command is PolicyCommands<K>[Name] {
  return command.type === policyCommandTypes(kind)[name];
}

function isNamedTagAndBoundaryCommand<K extends TaggedHolderKind, Name extends keyof TagAndBoundaryCommands<K>>(
  kind: K,
  command: TagAndBoundaryCommand<K>,
  name: Name,
): command is TagAndBoundaryCommands<K>[Name] {
  return command.type === tagAndBoundaryCommandTypes(kind)[name];
}

/**
 * A holder's policy commands: at most the quota of attached managed policies (attaching one it has
 * already changes nothing), inline policies within the kind's aggregate size. `holderName` names it
 * in the refusal to detach a policy it does not have, as AWS does.
 */
export function decidePolicyCommand<K extends HolderKind>(kind: K, command: PolicyCommand<K>, state: PolicyHolderState, holderName: string): PolicyEvent<K>[] {
  requireHolder(kind, state);
  const events = policyEventTypes(kind);
  if (isNamedPolicyCommand(kind, command, 'attachPolicy')) {
    return checkAttach(state.policies, command.policyArn, command.quota) ? [{ type: events.policyAttached, data: { policyArn: command.policyArn } }] : [];
  }
  if (isNamedPolicyCommand(kind, command, 'detachPolicy')) {
    checkDetach(state.policies, command.policyArn, `${kind} ${holderName}`);
    return [{ type: events.policyDetached, data: { policyArn: command.policyArn } }];
  }
  if (isNamedPolicyCommand(kind, command, 'putPolicy')) {
    const documentHash = checkPutInline(state.policies, command.policyName, command.document, kind);
    return [{ type: events.inlinePolicyPut, data: { policyName: command.policyName, document: command.document, documentHash } }];
  }
  if (isNamedPolicyCommand(kind, command, 'deletePolicy')) {
    checkDeleteInline(state.policies, command.policyName, kind);
    return [{ type: events.inlinePolicyDeleted, data: { policyName: command.policyName } }];
  }
  const _exhaustive: never = command;
  return _exhaustive;
}

/** A user's or a role's holder commands: its policies, and its tags and permissions boundary. */
export function decideTaggedHolderCommand<K extends TaggedHolderKind>(
  kind: K,
  command: PolicyCommand<K> | TagAndBoundaryCommand<K>,
  state: TaggedHolderState,
  holderName: string,
): (PolicyEvent<K> | TagAndBoundaryEvent<K>)[] {
  return isPolicyCommand(kind, command) ? decidePolicyCommand(kind, command, state, holderName) : decideTagAndBoundaryCommand(kind, command, state);
}

/**
 * A user's or a role's tag and boundary commands. Tag keys are not case sensitive on either; a
 * request that would change nothing appends nothing, but is checked all the same.
 */
function decideTagAndBoundaryCommand<K extends TaggedHolderKind>(kind: K, command: TagAndBoundaryCommand<K>, state: TaggedHolderState): TagAndBoundaryEvent<K>[] {
  requireHolder(kind, state);
  const events = tagAndBoundaryEventTypes(kind);
  if (isNamedTagAndBoundaryCommand(kind, command, 'tag')) {
    const replaced = new Set(command.tags.map((tag) => tag.key.toLowerCase()));
    requireValidInput(checkTags(command.tags, state.tags.filter((tag) => !replaced.has(tag.key.toLowerCase())).length));
    // The event records what changed: tags the holder already has, as they are, are left out.
    const changed = tagsThatChange(state.tags, command.tags);
    return changed.length === 0 ? [] : [{ type: events.tagged, data: { tags: changed } }];
  }
  if (isNamedTagAndBoundaryCommand(kind, command, 'untag')) {
    // AWS refuses more than 50 keys (UntagUser's and UntagRole's TagKeys) even when the holder has none of them.
    requireValidInput(checkTagKeys(command.tagKeys));
    const removed = tagKeysThatRemove(state.tags, command.tagKeys);
    return removed.length === 0 ? [] : [{ type: events.untagged, data: { tagKeys: removed } }];
  }
  if (isNamedTagAndBoundaryCommand(kind, command, 'putPermissionsBoundary')) return [{ type: events.permissionsBoundaryPut, data: { policyArn: command.policyArn } }];
  if (isNamedTagAndBoundaryCommand(kind, command, 'deletePermissionsBoundary')) {
    if (state.permissionsBoundaryArn === null) throw new NoSuchEntityError(`The ${kind} has no permissions boundary.`);
    return [{ type: events.permissionsBoundaryDeleted, data: {} }];
  }
  const _exhaustive: never = command;
  return _exhaustive;
}

const NAME_CHECKS = { user: checkUserName, group: checkGroupName, role: checkRoleName } as const;

/** A holder is created once, on a stream of its own, with a name of its kind's rules and a valid path. */
export function requireNewHolder(kind: HolderKind, state: Pick<PolicyHolderState, 'status'>, name: string, path: string): void {
  if (state.status !== 'none') throw new EntityAlreadyExistsError(`${kindName(kind)} with name ${name} already exists.`);
  requireValidInput(NAME_CHECKS[kind](name));
  requireValidInput(checkPath(path));
}

/** Every command to a holder but its creation needs the holder to exist (a deleted one does not). */
export function requireHolder(kind: HolderKind, state: Pick<PolicyHolderState, 'status'>): void {
  if (state.status !== 'active') throw new NoSuchEntityError(`The ${kind} with the given name cannot be found.`);
}

/** What of a holder's policies keeps it from being deleted: AWS wants them detached and deleted first. */
export function policyDeleteBlockers(policies: PrincipalPolicies): string[] {
  return [policies.attached.length > 0 ? 'attached policies' : undefined, Object.keys(policies.inline).length > 0 ? 'inline policies' : undefined].filter((blocker) => blocker !== undefined);
}

/** AWS's delete rule for users, groups and roles: refused, naming all that must be removed first. */
export function requireNothingToRemove(blockers: readonly (string | undefined)[]): void {
  const named = blockers.filter((blocker) => blocker !== undefined);
  if (named.length > 0) throw new DeleteConflictError(`Cannot delete entity, must remove ${named.join(', ')} first.`);
}
