import { randomUUID } from 'node:crypto';
import { type SamlProviderRow, streamLockKey } from '@warden/db';
import { requestTagContext } from '../authorization/tag-context.js';
import type { Caller } from '../kernel/command-context.js';
import { EntityAlreadyExistsError, LimitExceededError, NoSuchEntityError, requireValidInput } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { ArnAddressedAccess } from '../service/arn-addressed-entity.js';
import type { IamCore } from '../service/iam-core.js';
import { appendTo } from '../service/write-spec.js';
import type { SamlProvider } from './saml-provider.js';
import { parseSamlProviderArn, samlProviderArn, samlProviderNameKey } from './saml-provider-arn.js';
import { toSamlProvider } from './saml-provider-mapper.js';
import type { SamlProviderEvent, SamlProviderState } from './saml-provider.events.js';
import { type SamlProviderCommand, samlProviderDecider } from './saml-provider.decider.js';
import { countSamlProviders, findSamlProviderByName, findSamlProviderRowByName, listSamlProviders } from './saml-provider-repository.js';
import { checkSamlMetadataDocumentLength, checkSamlProviderName, samlProviderNameTaken } from './saml-provider-rules.js';

export interface CreateSAMLProviderInput {
  readonly name: string;
  /** The IdP's SAML 2.0 metadata (an EntityDescriptor with an IDPSSODescriptor and its signing certificates). */
  readonly samlMetadataDocument: string;
  readonly tags?: readonly Tag[] | null;
}

/** The lock key of the account's count of SAML providers. */
const QUOTA_LOCK = 'quota/saml-providers';

const notFound = (arn: string) => new NoSuchEntityError(`SAMLProvider not found for arn ${arn}`);

/**
 * IAM's SAML providers: create, read, list, update the metadata, tags, delete. Every action is
 * authorized as AWS names it (`iam:CreateSAMLProvider` …) on the provider's ARN, with its tags as
 * aws:ResourceTag/*; a provider is addressed by its ARN, as in AWS's API. The name and the
 * document's length are AWS's parameter constraints, checked before anything is read; the document
 * itself is read by the decider, after authorization.
 */
export class SamlProviderOperations {
  private readonly byArn: ArnAddressedAccess<SamlProviderRow, SamlProvider, SamlProviderCommand, SamlProviderEvent, SamlProviderState>;

  constructor(private readonly core: IamCore) {
    this.byArn = new ArnAddressedAccess(core, {
      parseArn: (arn) => {
        const parsed = parseSamlProviderArn(arn);
        return parsed && { partition: parsed.partition, accountId: parsed.accountId, key: parsed.name };
      },
      arnShape: 'a SAML provider ARN (arn:PARTITION:iam::ACCOUNT:saml-provider/NAME)',
      lockKey: samlProviderNameKey,
      findRow: findSamlProviderRowByName,
      toEntity: toSamlProvider,
      streamPrefix: 'saml-provider',
      decider: samlProviderDecider,
      notFound,
    });
  }

  async create(caller: Caller, input: CreateSAMLProviderInput): Promise<SamlProvider> {
    requireValidInput(checkSamlProviderName(input.name));
    requireValidInput(checkSamlMetadataDocumentLength(input.samlMetadataDocument));
    const name = input.name;
    const providerId = randomUUID();
    const arn = samlProviderArn(this.core.partition, caller.accountId, name);
    const tags = [...(input.tags ?? [])];
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCK, samlProviderNameKey(name), streamLockKey(`saml-provider/${providerId}`)],
      permissions: () => [{ action: 'iam:CreateSAMLProvider', resource: arn, context: requestTagContext(tags) }],
      appends: async (_loaded, trx) => {
        if (await findSamlProviderRowByName(trx, caller.accountId, name)) throw new EntityAlreadyExistsError(samlProviderNameTaken(name));
        const quota = (await this.core.quotas(trx, caller.accountId)).samlProviders;
        if ((await countSamlProviders(trx, caller.accountId)) >= quota) throw new LimitExceededError(`Cannot exceed quota for SAMLProvidersPerAccount: ${quota}.`);
        return appendTo(samlProviderDecider, `saml-provider/${providerId}`, { type: 'CreateSAMLProvider', providerId, arn, name, metadataDocument: input.samlMetadataDocument, tags });
      },
      answer: async (trx) => (await findSamlProviderByName(trx, caller.accountId, name))!,
    });
    return answer;
  }

  /** AWS's GetSAMLProvider. */
  async get(caller: Caller, arn: string): Promise<SamlProvider> {
    return this.byArn.read(caller, arn, 'iam:GetSAMLProvider');
  }

  /** AWS's ListSAMLProviderTags: the provider's tags, in the order they were added. */
  async tagsOf(caller: Caller, arn: string): Promise<Tag[]> {
    return [...(await this.byArn.read(caller, arn, 'iam:ListSAMLProviderTags')).tags];
  }

  /** The provider as it is now, after a mutation the caller was allowed to make. */
  async current(caller: Caller, arn: string): Promise<SamlProvider> {
    return this.byArn.read(caller, arn, null);
  }

  /** A page of providers in name order; `after` is the previous page's last name. */
  async list(caller: Caller, options: { after?: string | null; first: number }): Promise<SamlProvider[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListSAMLProviders', samlProviderArn(this.core.partition, caller.accountId, '*'));
      return listSamlProviders(trx, caller.accountId, options);
    });
  }

  /** AWS's UpdateSAMLProvider: the new metadata replaces the old whole (a rotation publishes the old and the new certificate). */
  async update(caller: Caller, arn: string, samlMetadataDocument: string): Promise<void> {
    requireValidInput(checkSamlMetadataDocumentLength(samlMetadataDocument));
    await this.byArn.write(caller, arn, 'iam:UpdateSAMLProvider', { type: 'UpdateSAMLProvider', metadataDocument: samlMetadataDocument });
  }

  async tag(caller: Caller, arn: string, tags: readonly Tag[]): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:TagSAMLProvider', { type: 'TagSAMLProvider', tags: [...tags] }, requestTagContext(tags));
  }

  async untag(caller: Caller, arn: string, tagKeys: readonly string[]): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:UntagSAMLProvider', { type: 'UntagSAMLProvider', tagKeys: [...tagKeys] }, { 'aws:TagKeys': [...tagKeys] });
  }

  async delete(caller: Caller, arn: string): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:DeleteSAMLProvider', { type: 'DeleteSAMLProvider' });
  }
}
