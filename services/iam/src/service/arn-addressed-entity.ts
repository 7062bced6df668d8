import { type Database, streamLockKey } from '@warden/db';
import type { Kysely } from 'kysely';
import { resourceTagContext } from '../authorization/tag-context.js';
import type { Caller } from '../kernel/command-context.js';
import type { Decider, DomainEvent } from '../kernel/decider.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import type { IamCore } from './iam-core.js';
import { appendTo } from './write-spec.js';

/**
 * An entity that AWS's API addresses by its ARN alone (the identity providers: OpenID Connect's
 * `oidc-provider/URL`, SAML's `saml-provider/NAME`), whose ARN ends with a key unique in the account.
 * Its operations share one way to read and to write it: the key's lock before anything is read, the
 * entity authorized on its ARN with its tags as aws:ResourceTag/*, and NoSuchEntity only after that,
 * so that a caller who may not act on it cannot learn whether it exists.
 */
export interface ArnAddressedEntity<Row extends { readonly provider_id: string; readonly tags: readonly Tag[] }, Entity, Command, Event extends DomainEvent, State> {
  /** The entity's key in an ARN of its kind, or undefined when the text is not one. */
  parseArn(arn: string): { partition: string; accountId: string; key: string } | undefined;
  /** What the InvalidInput says of a text that is not such an ARN. */
  readonly arnShape: string;
  /** The lock key of the entity's key, taken by every write that creates or addresses one. */
  lockKey(key: string): string;
  findRow(db: Kysely<Database>, accountId: string, key: string): Promise<Row | undefined>;
  toEntity(row: Row): Entity;
  /** The stream of the entity's events, by its id: `saml-provider/ID`. */
  readonly streamPrefix: string;
  readonly decider: Decider<Command, Event, State>;
  notFound(arn: string): NoSuchEntityError;
}

export class ArnAddressedAccess<Row extends { readonly provider_id: string; readonly tags: readonly Tag[] }, Entity, Command, Event extends DomainEvent, State> {
  constructor(
    private readonly core: IamCore,
    private readonly entity: ArnAddressedEntity<Row, Entity, Command, Event, State>,
  ) {}

  /** The key an ARN names, when it names an entity of the caller's account (and partition). */
  private ownKey(caller: Caller, arn: string): string | undefined {
    const parsed = this.entity.parseArn(arn);
    if (!parsed) throw new InvalidInputError(`${JSON.stringify(arn)} is not ${this.entity.arnShape.replace('PARTITION', this.core.partition)}.`);
    return parsed.accountId === caller.accountId && parsed.partition === this.core.partition ? parsed.key : undefined;
  }

  /** The entity, authorized as `action` on its ARN first; `action` null reads it as it is after a change the caller was allowed to make. */
  async read(caller: Caller, arn: string, action: string | null): Promise<Entity> {
    const key = this.ownKey(caller, arn);
    return this.core.read(caller, async (trx) => {
      const row = key === undefined ? undefined : await this.entity.findRow(trx, caller.accountId, key);
      if (action !== null) await this.core.authorize(trx, caller, action, arn, resourceTagContext(row?.tags ?? []));
      if (!row) throw this.entity.notFound(arn);
      return this.entity.toEntity(row);
    });
  }

  /** One write of the entity's stream, authorized as `action` on its ARN with its tags, and `extra` request context. */
  async write(caller: Caller, arn: string, action: string, command: Command, extra: Record<string, string | string[]> = {}): Promise<void> {
    const key = this.ownKey(caller, arn);
    const { entity } = this;
    await this.core.write(caller, {
      locks: key === undefined ? [] : [entity.lockKey(key)],
      load: async (trx): Promise<Row | undefined> => (key === undefined ? undefined : entity.findRow(trx, caller.accountId, key)),
      lockedAfterLoad: (row) => (row ? [streamLockKey(`${entity.streamPrefix}/${row.provider_id}`)] : []),
      permissions: (row) => [{ action, resource: arn, context: { ...resourceTagContext(row?.tags ?? []), ...extra } }],
      appends: (row) => {
        if (!row) throw entity.notFound(arn);
        return appendTo(entity.decider, `${entity.streamPrefix}/${row.provider_id}`, command);
      },
    });
  }
}
