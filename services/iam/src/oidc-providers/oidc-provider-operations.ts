import { randomBytes } from 'node:crypto';
import { type OidcProviderRow, streamLockKey } from '@warden/db';
import type { Caller } from '../kernel/command-context.js';
import { EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { ArnAddressedAccess } from '../service/arn-addressed-entity.js';
import type { IamCore } from '../service/iam-core.js';
import { requestTagContext } from '../authorization/tag-context.js';
import { appendTo } from '../service/write-spec.js';
import type { OidcProvider } from './oidc-provider.js';
import { oidcProviderArn, oidcProviderUrlKey, parseOidcProviderArn } from './oidc-provider-arn.js';
import { toOidcProvider } from './oidc-provider-mapper.js';
import type { OidcProviderEvent, OidcProviderState } from './oidc-provider.events.js';
import { type OidcProviderCommand, oidcProviderDecider } from './oidc-provider.decider.js';
import { countOidcProviders, findOidcProviderByUrl, findOidcProviderRowByUrl, listOidcProviders } from './oidc-provider-repository.js';
import { providerUrlOf } from './oidc-provider-rules.js';

export interface CreateOpenIDConnectProviderInput {
  /** The issuer, `https://HOST[/PATH]`. */
  readonly url: string;
  readonly clientIdList?: readonly string[] | null;
  readonly thumbprintList?: readonly string[] | null;
  readonly tags?: readonly Tag[] | null;
}

/** The lock key of the account's count of OIDC providers. */
const QUOTA_LOCK = 'quota/oidc-providers';

/**
 * IAM's OpenID Connect providers: create, read, list, client ids, thumbprints, tags, delete. Every
 * action is authorized as AWS names it (`iam:CreateOpenIDConnectProvider` …) on the provider's
 * ARN, with its tags as aws:ResourceTag/*; a provider is addressed by its ARN, as in AWS's API.
 */
export class OidcProviderOperations {
  private readonly byArn: ArnAddressedAccess<OidcProviderRow, OidcProvider, OidcProviderCommand, OidcProviderEvent, OidcProviderState>;

  constructor(private readonly core: IamCore) {
    this.byArn = new ArnAddressedAccess(core, {
      parseArn: (arn) => {
        const parsed = parseOidcProviderArn(arn);
        return parsed && { partition: parsed.partition, accountId: parsed.accountId, key: parsed.url };
      },
      arnShape: 'an OpenID Connect provider ARN (arn:PARTITION:iam::ACCOUNT:oidc-provider/URL)',
      lockKey: oidcProviderUrlKey,
      findRow: findOidcProviderRowByUrl,
      toEntity: toOidcProvider,
      streamPrefix: 'oidc-provider',
      decider: oidcProviderDecider,
      notFound: (arn) => new NoSuchEntityError(`OpenIDConnect Provider not found for arn ${arn}`),
    });
  }

  async create(caller: Caller, input: CreateOpenIDConnectProviderInput): Promise<OidcProvider> {
    const parsed = providerUrlOf(input.url);
    if ('problem' in parsed) throw new InvalidInputError(parsed.problem);
    const url = parsed.url;
    const providerId = randomBytes(12).toString('hex');
    const arn = oidcProviderArn(this.core.partition, caller.accountId, url);
    const tags = [...(input.tags ?? [])];
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCK, oidcProviderUrlKey(url), streamLockKey(`oidc-provider/${providerId}`)],
      permissions: () => [{ action: 'iam:CreateOpenIDConnectProvider', resource: arn, context: requestTagContext(tags) }],
      appends: async (_loaded, trx) => {
        if (await findOidcProviderRowByUrl(trx, caller.accountId, url)) throw new EntityAlreadyExistsError(`Provider with url ${input.url} already exists.`);
        const quota = (await this.core.quotas(trx, caller.accountId)).oidcProviders;
        if ((await countOidcProviders(trx, caller.accountId)) >= quota) throw new LimitExceededError(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${quota}.`);
        return appendTo(oidcProviderDecider, `oidc-provider/${providerId}`, {
          type: 'CreateOpenIDConnectProvider',
          providerId,
          arn,
          url,
          clientIds: [...(input.clientIdList ?? [])],
          thumbprints: [...(input.thumbprintList ?? [])],
          tags,
        });
      },
      answer: async (trx) => (await findOidcProviderByUrl(trx, caller.accountId, url))!,
    });
    return answer;
  }

  async get(caller: Caller, arn: string): Promise<OidcProvider> {
    return this.byArn.read(caller, arn, 'iam:GetOpenIDConnectProvider');
  }

  /** AWS's ListOpenIDConnectProviderTags: the provider's tags, in the order they were added. */
  async tagsOf(caller: Caller, arn: string): Promise<Tag[]> {
    return [...(await this.byArn.read(caller, arn, 'iam:ListOpenIDConnectProviderTags')).tags];
  }

  /** The provider as it is now, after a mutation the caller was allowed to make. */
  async current(caller: Caller, arn: string): Promise<OidcProvider> {
    return this.byArn.read(caller, arn, null);
  }

  /** A page of providers in URL order; `after` is the previous page's last URL. */
  async list(caller: Caller, options: { after?: string | null; first: number }): Promise<OidcProvider[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListOpenIDConnectProviders', oidcProviderArn(this.core.partition, caller.accountId, '*'));
      return listOidcProviders(trx, caller.accountId, options);
    });
  }

  async addClientId(caller: Caller, arn: string, clientId: string): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:AddClientIDToOpenIDConnectProvider', { type: 'AddClientIDToOpenIDConnectProvider', clientId });
  }

  async removeClientId(caller: Caller, arn: string, clientId: string): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:RemoveClientIDFromOpenIDConnectProvider', { type: 'RemoveClientIDFromOpenIDConnectProvider', clientId });
  }

  async updateThumbprint(caller: Caller, arn: string, thumbprints: readonly string[]): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:UpdateOpenIDConnectProviderThumbprint', { type: 'UpdateOpenIDConnectProviderThumbprint', thumbprints: [...thumbprints] });
  }

  async tag(caller: Caller, arn: string, tags: readonly Tag[]): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:TagOpenIDConnectProvider', { type: 'TagOpenIDConnectProvider', tags: [...tags] }, requestTagContext(tags));
  }

  async untag(caller: Caller, arn: string, tagKeys: readonly string[]): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:UntagOpenIDConnectProvider', { type: 'UntagOpenIDConnectProvider', tagKeys: [...tagKeys] }, { 'aws:TagKeys': [...tagKeys] });
  }

  async delete(caller: Caller, arn: string): Promise<void> {
    await this.byArn.write(caller, arn, 'iam:DeleteOpenIDConnectProvider', { type: 'DeleteOpenIDConnectProvider' });
  }
}
