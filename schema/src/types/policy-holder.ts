import type { InputFieldBuilder, InputFieldMap, InputObjectRef, ObjectRef } from '@pothos/core';
import type { Caller, IamService, Tag } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { TagInput } from './tag.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type HolderKind = 'user' | 'group' | 'role';

/**
 * What the shared mutations call on a holder kind's operations (`iam.users`, …): each answers with
 * the holder as its write left it, read in the write's own transaction.
 */
interface HolderOperations<Holder> {
  attachPolicy(caller: Caller, name: string, policyArn: string): Promise<Holder>;
  detachPolicy(caller: Caller, name: string, policyArn: string): Promise<Holder>;
  putInlinePolicy(caller: Caller, name: string, policyName: string, document: string): Promise<Holder>;
  deleteInlinePolicy(caller: Caller, name: string, policyName: string): Promise<Holder>;
  attachedPolicies(caller: Caller, name: string, pathPrefix?: string | null): Promise<string[]>;
  inlinePolicyNames(caller: Caller, name: string): Promise<string[]>;
  inlinePolicy(caller: Caller, name: string, policyName: string): Promise<{ policyName: string; document: string }>;
}

interface TaggedHolderOperations<Holder> extends HolderOperations<Holder> {
  tag(caller: Caller, name: string, tags: readonly Tag[]): Promise<Holder>;
  untag(caller: Caller, name: string, tagKeys: readonly string[]): Promise<Holder>;
  putPermissionsBoundary(caller: Caller, name: string, policyArn: string): Promise<Holder>;
  deletePermissionsBoundary(caller: Caller, name: string): Promise<Holder>;
}

/** A kind of policy holder as the schema shows it: its object type, and its operations on `IamService`. */
export interface PolicyHolderType<Holder, Operations extends HolderOperations<Holder>> {
  readonly kind: HolderKind;
  readonly ref: ObjectRef<Types, Holder>;
  operations(iam: IamService): Operations;
}

/**
 * A holder's mutation input as the resolver first reads it: by the field that names the holder,
 * `userName`, `groupName` or `roleName` (AWS's parameter names), which every such input has.
 */
type HolderInput = Readonly<Record<string, unknown>>;

/** An inline policy of a user, group or role: its name and its document (JSON). */
export const InlinePolicyRef = builder.objectRef<{ policyName: string; document: string }>('InlinePolicy').implement({
  fields: (t) => ({ policyName: t.exposeString('policyName'), policyDocument: t.exposeString('document') }),
});

/**
 * The reads every policy holder has, as fields of its type, each authorized as AWS's action of the
 * same name on the holder (iam:ListAttachedUserPolicies, iam:ListGroupPolicies, iam:GetRolePolicy),
 * the denial typed in the field so the holder stays in the answer: attachedPolicyArns,
 * inlinePolicyNames and inlinePolicy(policyName).
 */
function policyHolderReads<Holder>(holder: PolicyHolderType<Holder, HolderOperations<Holder>>): void {
  const kind = kindName(holder.kind);
  const nameOf = (entity: Holder): string => {
    const name = (entity as Readonly<Record<string, unknown>>)[`${holder.kind}Name`];
    if (typeof name !== 'string') throw new TypeError(`A ${holder.kind} has no ${holder.kind}Name.`);
    return name;
  };
  const ref: ObjectRef<Types, Holder> = holder.ref;
  builder.objectFields(ref, (t) => ({
    attachedPolicyArns: t.field({
      type: ['String'],
      description: `AWS's ListAttached${kind}Policies: the ARNs of its managed policies whose path starts with pathPrefix, in ARN order.`,
      errors: queryErrors(`${holder.kind}AttachedPolicyArns`),
      args: { pathPrefix: t.arg.string({ required: false }) },
      resolve: (entity, args, { iam, caller }) => holder.operations(iam).attachedPolicies(caller, nameOf(entity), args.pathPrefix ?? null),
    }),
    inlinePolicyNames: t.field({
      type: ['String'],
      description: `AWS's List${kind}Policies: the names of its inline policies, in name order.`,
      errors: queryErrors(`${holder.kind}InlinePolicyNames`),
      resolve: (entity, _args, { iam, caller }) => holder.operations(iam).inlinePolicyNames(caller, nameOf(entity)),
    }),
    inlinePolicy: t.field({
      type: InlinePolicyRef,
      description: `AWS's Get${kind}Policy: one of its inline policies, by name.`,
      errors: queryErrors(`${holder.kind}InlinePolicy`),
      args: { policyName: t.arg.string({ required: true }) },
      resolve: (entity, args, { iam, caller }) => holder.operations(iam).inlinePolicy(caller, nameOf(entity), args.policyName),
    }),
  }));
}

/**
 * The mutations every policy holder has, named after the IAM action they perform for its kind
 * (attachUserPolicy, putGroupPolicy, …): attach and detach a managed policy, put and delete an
 * inline policy. Each takes the holder by name in its input and answers the holder as it is after.
 */
export function policyHolderMutations<Holder>(holder: PolicyHolderType<Holder, HolderOperations<Holder>>): void {
  const kind = kindName(holder.kind);
  const policyArnInput = holderInput(holder.kind, `${kind}PolicyArnInput`, (t) => ({ policyArn: t.string({ required: true }) }));
  const putInput = holderInput(holder.kind, `Put${kind}PolicyInput`, (t) => ({ policyName: t.string({ required: true }), policyDocument: t.string({ required: true }) }));
  const deleteInput = holderInput(holder.kind, `Delete${kind}PolicyInput`, (t) => ({ policyName: t.string({ required: true }) }));
  policyHolderReads(holder);
  holderMutation(holder, `attach${kind}Policy`, policyArnInput, (operations, caller, name, input) => operations.attachPolicy(caller, name, input.policyArn));
  holderMutation(holder, `detach${kind}Policy`, policyArnInput, (operations, caller, name, input) => operations.detachPolicy(caller, name, input.policyArn));
  holderMutation(holder, `put${kind}Policy`, putInput, (operations, caller, name, input) => operations.putInlinePolicy(caller, name, input.policyName, input.policyDocument));
  holderMutation(holder, `delete${kind}Policy`, deleteInput, (operations, caller, name, input) => operations.deleteInlinePolicy(caller, name, input.policyName));
}

/**
 * What users and roles have besides: tagUser, untagUser, putUserPermissionsBoundary and
 * deleteUserPermissionsBoundary (and the Role ones). The last takes `nameInput`, the input that
 * names the holder alone, which the kind's delete mutation takes too.
 */
export function taggedHolderMutations<Holder>(holder: PolicyHolderType<Holder, TaggedHolderOperations<Holder>>, nameInput: InputObjectRef<Types, HolderInput>): void {
  const kind = kindName(holder.kind);
  const tagsInput = holderInput(holder.kind, `Tag${kind}Input`, (t) => ({ tags: t.field({ type: [TagInput], required: true }) }));
  const tagKeysInput = holderInput(holder.kind, `Untag${kind}Input`, (t) => ({ tagKeys: t.stringList({ required: true }) }));
  const boundaryInput = holderInput(holder.kind, `Put${kind}PermissionsBoundaryInput`, (t) => ({ permissionsBoundary: t.string({ required: true }) }));
  holderMutation(holder, `tag${kind}`, tagsInput, (operations, caller, name, input) => operations.tag(caller, name, input.tags));
  holderMutation(holder, `untag${kind}`, tagKeysInput, (operations, caller, name, input) => operations.untag(caller, name, input.tagKeys));
  holderMutation(holder, `put${kind}PermissionsBoundary`, boundaryInput, (operations, caller, name, input) => operations.putPermissionsBoundary(caller, name, input.permissionsBoundary));
  holderMutation(holder, `delete${kind}PermissionsBoundary`, nameInput, (operations, caller, name) => operations.deletePermissionsBoundary(caller, name));
}

/**
 * An input of a holder's mutations: the field naming the holder (required, as AWS's UserName), then
 * the mutation's own `Fields`, which are the shape its resolver is given.
 */
function holderInput<Fields extends InputFieldMap>(kind: HolderKind, typeName: string, fields: (t: InputFieldBuilder<Types, 'InputObject'>) => Fields) {
  return builder.inputType(typeName, {
    fields: (t) => {
      // Keyed by the kind, the name's field stays out of the input's TypeScript shape: the resolver reads it by its key.
      const name: object = { [`${kind}Name`]: t.string({ required: true }) };
      return { ...name, ...fields(t) };
    },
  });
}

function holderMutation<Holder, Operations extends HolderOperations<Holder>, Input extends HolderInput>(
  holder: PolicyHolderType<Holder, Operations>,
  mutation: string,
  input: InputObjectRef<Types, Input>,
  perform: (operations: Operations, caller: Caller, name: string, input: Input) => Promise<Holder>,
): void {
  const nameField = `${holder.kind}Name`;
  // Pothos resolves an argument's shape for a known type only, not for the parameter `Input`: the
  // argument is declared as any holder input, and its value is handed on as the `Input` it is.
  const anyInput: InputObjectRef<Types, HolderInput> = input;
  const answer: ObjectRef<Types, unknown> = holder.ref;
  builder.mutationField(mutation, (t) =>
    t.field({
      type: answer,
      errors: mutationErrors(mutation),
      args: { input: t.arg({ type: anyInput, required: true }) },
      resolve: async (_root, args, { iam, caller }) => {
        const name = args.input[nameField];
        if (typeof name !== 'string') throw new TypeError(`${mutation}'s input has no ${nameField}.`);
        return perform(holder.operations(iam), caller, name, args.input as Input);
      },
    }),
  );
}

function kindName(kind: HolderKind): string {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}
