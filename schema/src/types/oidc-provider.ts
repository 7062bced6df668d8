import type { OidcProvider } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { type ProviderKind, providerChange } from './provider-change.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { TagInput, TagRef } from './tag.js';

/** IAM's OpenID Connect identity providers: issuers whose tokens assumeRoleWithWebIdentity accepts. */
export const OpenIDConnectProviderRef = builder.objectRef<OidcProvider>('OpenIDConnectProvider').implement({
  description: 'An OpenID Connect identity provider: roles whose trust policy names its ARN as a Federated principal accept its tokens (assumeRoleWithWebIdentity).',
  fields: (t) => ({
    arn: t.exposeString('arn', { description: 'arn:aws:iam::ACCOUNT:oidc-provider/URL.' }),
    url: t.exposeString('url', { description: 'The issuer without https://, as AWS answers it.' }),
    clientIdList: t.stringList({ description: 'The audiences (client ids) its tokens may be issued to.', resolve: (provider) => [...provider.clientIds] }),
    thumbprintList: t.stringList({ resolve: (provider) => [...provider.thumbprints] }),
    tags: t.field({ type: [TagRef], resolve: (provider) => [...provider.tags] }),
    createDate: t.field({ type: 'DateTime', resolve: (provider) => provider.createdAt }),
  }),
});

builder.queryField('openIDConnectProvider', (t) =>
  t.field({
    type: OpenIDConnectProviderRef,
    errors: queryErrors('openIDConnectProvider'),
    args: { openIDConnectProviderArn: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.oidcProviders.get(caller, args.openIDConnectProviderArn),
  }),
);

builder.queryField('openIDConnectProviders', (t) =>
  t.connection({
    type: OpenIDConnectProviderRef,
    errors: queryErrors('openIDConnectProviders'),
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      return toConnection(await iam.oidcProviders.list(caller, { after: args.after ?? null, first: first + 1 }), first, (provider) => provider.url);
    },
  }),
);

const CreateInput = builder.inputType('CreateOpenIDConnectProviderInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: "The issuer, https://HOST[/PATH]: the tokens' iss claim." }),
    clientIdList: t.stringList({ required: false, description: 'Audiences, at most 100, each 1 to 255 characters.' }),
    thumbprintList: t.stringList({ required: false, description: 'Hex SHA-1 of certificates, at most 5 (optional, as in AWS today).' }),
    tags: t.field({ type: [TagInput], required: false }),
  }),
});
const ArnInput = builder.inputType('OpenIDConnectProviderArnInput', { fields: (t) => ({ openIDConnectProviderArn: t.string({ required: true }) }) });
const ClientIdInput = builder.inputType('OpenIDConnectProviderClientIDInput', {
  fields: (t) => ({ openIDConnectProviderArn: t.string({ required: true }), clientID: t.string({ required: true }) }),
});

builder.mutationField('createOpenIDConnectProvider', (t) =>
  t.field({
    type: OpenIDConnectProviderRef,
    errors: mutationErrors('createOpenIDConnectProvider'),
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.oidcProviders.create(caller, input),
  }),
);
const ThumbprintInput = builder.inputType('UpdateOpenIDConnectProviderThumbprintInput', {
  fields: (f) => ({ openIDConnectProviderArn: f.string({ required: true }), thumbprintList: f.stringList({ required: true, description: 'Replaces the list whole.' }) }),
});
const TagProviderInput = builder.inputType('TagOpenIDConnectProviderInput', {
  fields: (f) => ({ openIDConnectProviderArn: f.string({ required: true }), tags: f.field({ type: [TagInput], required: true }) }),
});
const UntagProviderInput = builder.inputType('UntagOpenIDConnectProviderInput', {
  fields: (f) => ({ openIDConnectProviderArn: f.string({ required: true }), tagKeys: f.stringList({ required: true }) }),
});

const OIDC_PROVIDER: ProviderKind<OidcProvider, 'openIDConnectProviderArn'> = {
  ref: OpenIDConnectProviderRef,
  arnField: 'openIDConnectProviderArn',
  current: (iam, caller, arn) => iam.oidcProviders.current(caller, arn),
};

providerChange(OIDC_PROVIDER, 'addClientIDToOpenIDConnectProvider', ClientIdInput, (iam, caller, input) => iam.oidcProviders.addClientId(caller, input.openIDConnectProviderArn, input.clientID));
providerChange(OIDC_PROVIDER, 'removeClientIDFromOpenIDConnectProvider', ClientIdInput, (iam, caller, input) =>
  iam.oidcProviders.removeClientId(caller, input.openIDConnectProviderArn, input.clientID),
);
providerChange(OIDC_PROVIDER, 'updateOpenIDConnectProviderThumbprint', ThumbprintInput, (iam, caller, input) =>
  iam.oidcProviders.updateThumbprint(caller, input.openIDConnectProviderArn, input.thumbprintList),
);
providerChange(OIDC_PROVIDER, 'tagOpenIDConnectProvider', TagProviderInput, (iam, caller, input) => iam.oidcProviders.tag(caller, input.openIDConnectProviderArn, input.tags));
providerChange(OIDC_PROVIDER, 'untagOpenIDConnectProvider', UntagProviderInput, (iam, caller, input) => iam.oidcProviders.untag(caller, input.openIDConnectProviderArn, input.tagKeys));
builder.mutationField('deleteOpenIDConnectProvider', (t) =>
  t.boolean({
    errors: mutationErrors('deleteOpenIDConnectProvider'),
    args: { input: t.arg({ type: ArnInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.oidcProviders.delete(caller, input.openIDConnectProviderArn), true),
  }),
);
