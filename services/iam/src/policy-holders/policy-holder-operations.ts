import type { Database } from '@warden/db';
import type { Kysely, Transaction } from 'kysely';
import { entityArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import type { Decider, DomainEvent } from '../kernel/decider.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type FindHolderOptions, holderStreamLockPrefix } from './find-holder-options.js';
import type { IamCore } from '../service/iam-core.js';
import { policyArnKey } from '../kernel/lock-keys.js';
import { requestTagContext, resourceTagContext } from '../authorization/tag-context.js';
import { requireAttachablePolicy } from '../policies/attachable-policy.js';
import { appendTo } from '../service/write-spec.js';
import { ATTACHED_POLICIES_QUOTA, type HolderKind, kindName, type TaggedHolderKind } from './policy-holder-kind.js';
import { type InlinePolicyOfHolder, listAttachedPolicyArns, listInlinePolicies } from './holder-policy-repository.js';
import { type PolicyCommand, policyCommandTypes, type TagAndBoundaryCommand, tagAndBoundaryCommandTypes } from './policy-holder.decider.js';

/** A holder's read-model row, as far as its writes need it; users and roles have tags, groups none. */
export interface HolderRow {
  readonly arn: string;
  readonly tags?: readonly Tag[];
}

/** How the operations find a holder of one kind by its name, which decider writes its stream, and how a write answers with it. */
export interface HolderRecords<K extends HolderKind, Row extends HolderRow, Command, Shown, State> {
  readonly kind: K;
  readonly decider: Decider<Command, DomainEvent, State>;
  readonly find: (db: Kysely<Database>, accountId: string, name: string, options?: FindHolderOptions) => Promise<Row | undefined>;
  /** The lock key of the name (see `userNameKey`). */
  readonly nameKey: (name: string) => string;
  /** The holder's id, which names its stream (`user/AIDA…`). */
  readonly idOf: (row: Row) => string;
  /** The holder's name as it was created (names are found case-insensitively). */
  readonly nameOf: (row: Row) => string;
  /**
   * The holder as a write left it (a User, a Group, a Role): its row as the write found it, under
   * the name's key and in the statement that locked its stream, with every field its stream's events
   * set taken from `state`, the stream folded under that lock with the write's own events. Only the
   * holder's own writes change those fields, so this is the row the write's projections left, with
   * no statement to read it again.
   */
  readonly shownAfter: (row: Row, state: State) => Shown;
}

/** What a holder's write appends, made from the holder as its write found it. */
type HolderCommand<K extends HolderKind, Row, Command> = (holder: Row, trx: Transaction<Database>) => Promise<Command | PolicyCommand<K>> | Command | PolicyCommand<K>;

/** What a holder's write adds to the name's lock and the holder's tags: more locks, more condition keys. */
interface HolderWriteOptions {
  readonly locks?: readonly string[];
  readonly context?: Record<string, string | string[]>;
  /** A managed policy the command names, which must be attachable in the account (asked once the caller is authorized). */
  readonly attachable?: string;
}

/**
 * The operations every policy holder has: attach and detach a managed policy, put and delete an
 * inline policy, each authorized as the IAM action its command is named after (iam:AttachUserPolicy,
 * iam:PutGroupPolicy); and the one write that all of a holder's operations addressed by its name
 * take, its own included. UserOperations, GroupOperations and RoleOperations extend it.
 */
export class PolicyHolderOperations<K extends HolderKind, Row extends HolderRow, Command, Shown, State> {
  constructor(
    protected readonly core: IamCore,
    protected readonly holders: HolderRecords<K, Row, Command | PolicyCommand<K>, Shown, State>,
  ) {}

  /** The holder's ARN; one that does not exist is named by the ARN its name gives at the root path. */
  protected arnFor(caller: Caller, holder: Pick<Row, 'arn'> | undefined, name: string): string {
    return holder?.arn ?? entityArn(this.core.partition, caller.accountId, this.holders.kind, '/', name);
  }

  /**
   * One write of a holder's stream, the holder addressed by name. The name's key is held from the
   * start, so the holder found by it stays the one written; its stream is locked by the statement
   * that finds it. The
   * caller is authorized before anything else the request names is looked up, with the condition
   * keys the request brings (the holder's tags as aws:ResourceTag/*, and what the operation adds), so
   * a caller without the permission learns nothing, not even whether the holder exists.
   */
  protected async holderWrite(caller: Caller, name: string, action: string, command: HolderCommand<K, Row, Command>, options: HolderWriteOptions = {}): Promise<void> {
    await this.writeHolder(caller, name, action, command, options, () => undefined);
  }

  /** `holderWrite` for a write that leaves the holder in place, answered with the holder as the write left it (`shownAfter`). */
  protected holderChange(caller: Caller, name: string, action: string, command: HolderCommand<K, Row, Command>, options: HolderWriteOptions = {}): Promise<Shown> {
    return this.writeHolder(caller, name, action, command, options, (holder, state) => this.holders.shownAfter(holder, state));
  }

  private async writeHolder<Answer>(
    caller: Caller,
    name: string,
    action: string,
    command: HolderCommand<K, Row, Command>,
    options: HolderWriteOptions,
    answerWith: (holder: Row, state: State) => Answer,
  ): Promise<Answer> {
    const { kind, decider, find, nameKey, idOf } = this.holders;
    const lockStreamPrefix = holderStreamLockPrefix(kind);
    const { answer } = await this.core.write(caller, {
      locks: [nameKey(name), ...(options.locks ?? [])],
      load: (trx) => find(trx, caller.accountId, name, { lockStreamPrefix }),
      lockedByLoad: (holder) => (holder ? [`${lockStreamPrefix}${idOf(holder)}`] : []),
      permissions: (holder) => [{ action, resource: this.arnFor(caller, holder, name), context: { ...resourceTagContext(holder?.tags ?? []), ...(options.context ?? {}) } }],
      appends: async (holder, trx) => {
        if (!holder) throw new NoSuchEntityError(`The ${kind} with name ${name} cannot be found.`);
        if (options.attachable !== undefined) await requireAttachablePolicy(trx, caller.accountId, options.attachable);
        return appendTo(decider, `${kind}/${idOf(holder)}`, await command(holder, trx));
      },
      // The holder exists once the appends ran: they refuse one that does not.
      answer: (_trx, written, holder) => answerWith(holder!, written.state),
    });
    return answer;
  }

  /**
   * One read of a holder addressed by name, authorized as `action` on its ARN with its tags as
   * aws:ResourceTag/* before its absence is told, so a caller without the permission learns nothing.
   */
  protected holderRead<T>(caller: Caller, name: string, action: string, read: (holder: Row, trx: Transaction<Database>) => Promise<T> | T): Promise<T> {
    const { kind, find } = this.holders;
    return this.core.read(caller, async (trx) => {
      const holder = await find(trx, caller.accountId, name);
      await this.core.authorize(trx, caller, action, this.arnFor(caller, holder, name), resourceTagContext(holder?.tags ?? []));
      if (!holder) throw new NoSuchEntityError(`The ${kind} with name ${name} cannot be found.`);
      return read(holder, trx);
    });
  }

  /** AWS's ListAttachedUserPolicies (…Group…, …Role…): the ARNs of the holder's managed policies whose path starts with `pathPrefix`, in ARN order. */
  attachedPolicies(caller: Caller, name: string, pathPrefix: string | null = null): Promise<string[]> {
    const { kind, idOf } = this.holders;
    return this.holderRead(caller, name, `iam:ListAttached${kindName(kind)}Policies`, async (holder, trx) => {
      const arns = await listAttachedPolicyArns(trx, caller.accountId, kind, idOf(holder));
      return pathPrefix === null ? arns : arns.filter((arn) => policyPathOfArn(arn).startsWith(pathPrefix));
    });
  }

  /** AWS's ListUserPolicies (…Group…, …Role…): the names of the holder's inline policies, in name order. */
  inlinePolicyNames(caller: Caller, name: string): Promise<string[]> {
    const { kind, idOf } = this.holders;
    return this.holderRead(caller, name, `iam:List${kindName(kind)}Policies`, async (holder, trx) =>
      (await listInlinePolicies(trx, caller.accountId, kind, idOf(holder))).map((policy) => policy.policyName),
    );
  }

  /** AWS's GetUserPolicy (…Group…, …Role…): one inline policy of the holder, by its name, with the holder's name as it was created. */
  inlinePolicy(caller: Caller, name: string, policyName: string): Promise<InlinePolicyOfHolder & { readonly holderName: string }> {
    const { kind, idOf, nameOf } = this.holders;
    return this.holderRead(caller, name, `iam:Get${kindName(kind)}Policy`, async (holder, trx) => {
      const policy = (await listInlinePolicies(trx, caller.accountId, kind, idOf(holder))).find((inline) => inline.policyName === policyName);
      if (!policy) throw new NoSuchEntityError(`The ${kind} policy with name ${policyName} cannot be found.`);
      return { ...policy, holderName: nameOf(holder) };
    });
  }

  async attachPolicy(caller: Caller, name: string, policyArn: string): Promise<Shown> {
    const { attachPolicy } = policyCommandTypes(this.holders.kind);
    const quota = ATTACHED_POLICIES_QUOTA[this.holders.kind];
    const command = async (_holder: Row, trx: Transaction<Database>) => ({ type: attachPolicy, policyArn, quota: (await this.core.quotas(trx, caller.accountId))[quota] });
    // The policy's key, which deletePolicy holds while it counts attachments.
    return this.holderChange(caller, name, `iam:${attachPolicy}`, command, { locks: [policyArnKey(policyArn)], context: { 'iam:PolicyARN': policyArn }, attachable: policyArn });
  }

  async detachPolicy(caller: Caller, name: string, policyArn: string): Promise<Shown> {
    const { detachPolicy } = policyCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${detachPolicy}`, () => ({ type: detachPolicy, policyArn }), { context: { 'iam:PolicyARN': policyArn } });
  }

  async putInlinePolicy(caller: Caller, name: string, policyName: string, document: string): Promise<Shown> {
    const { putPolicy } = policyCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${putPolicy}`, () => ({ type: putPolicy, policyName, document }));
  }

  async deleteInlinePolicy(caller: Caller, name: string, policyName: string): Promise<Shown> {
    const { deletePolicy } = policyCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${deletePolicy}`, () => ({ type: deletePolicy, policyName }));
  }
}

/** A managed policy's path, from its ARN (`arn:aws:iam::123456789012:policy/path/Name` has `/path/`). */
function policyPathOfArn(arn: string): string {
  const resource = arn.slice(arn.indexOf(':policy/') + ':policy'.length);
  return resource.slice(0, resource.lastIndexOf('/') + 1);
}

/** What users and roles have besides: tags, and a permissions boundary. UserOperations and RoleOperations extend it. */
export class TaggedHolderOperations<K extends TaggedHolderKind, Row extends HolderRow, Command, Shown, State> extends PolicyHolderOperations<K, Row, Command | TagAndBoundaryCommand<K>, Shown, State> {
  async tag(caller: Caller, name: string, tags: readonly Tag[]): Promise<Shown> {
    const { tag } = tagAndBoundaryCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${tag}`, () => ({ type: tag, tags: [...tags] }), { context: requestTagContext(tags) });
  }

  /** AWS's ListUserTags (ListRoleTags): the holder's tags, in the order they were added. */
  tagsOf(caller: Caller, name: string): Promise<Tag[]> {
    return this.holderRead(caller, name, `iam:List${kindName(this.holders.kind)}Tags`, (holder) => [...(holder.tags ?? [])]);
  }

  async untag(caller: Caller, name: string, tagKeys: readonly string[]): Promise<Shown> {
    const { untag } = tagAndBoundaryCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${untag}`, () => ({ type: untag, tagKeys: [...tagKeys] }), { context: { 'aws:TagKeys': [...tagKeys] } });
  }

  async putPermissionsBoundary(caller: Caller, name: string, policyArn: string): Promise<Shown> {
    const { putPermissionsBoundary } = tagAndBoundaryCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${putPermissionsBoundary}`, () => ({ type: putPermissionsBoundary, policyArn }), {
      context: { 'iam:PermissionsBoundary': policyArn },
      attachable: policyArn,
    });
  }

  async deletePermissionsBoundary(caller: Caller, name: string): Promise<Shown> {
    const { deletePermissionsBoundary } = tagAndBoundaryCommandTypes(this.holders.kind);
    return this.holderChange(caller, name, `iam:${deletePermissionsBoundary}`, () => ({ type: deletePermissionsBoundary }));
  }
}
