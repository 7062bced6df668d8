import type { SamlProvider } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { type ProviderKind, providerChange } from './provider-change.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { TagInput, TagRef } from './tag.js';

/** IAM's SAML identity providers: IdPs whose signed assertions assumeRoleWithSAML accepts. */
export const SAMLProviderRef = builder.objectRef<SamlProvider>('SAMLProvider').implement({
  description: 'A SAML 2.0 identity provider: roles whose trust policy names its ARN as a Federated principal accept its signed assertions.',
  fields: (t) => ({
    arn: t.exposeString('arn', { description: 'arn:aws:iam::ACCOUNT:saml-provider/NAME.' }),
    name: t.exposeString('name'),
    samlProviderUUID: t.exposeString('providerId', { description: "The provider's unique id (AWS's SAMLProviderUUID)." }),
    samlMetadataDocument: t.exposeString('metadataDocument', { description: 'The metadata document as it was last given.' }),
    entityId: t.exposeString('entityId', { description: "The IdP's entityID, read from the metadata: the Issuer its assertions name." }),
    signingCertificates: t.stringList({ description: "The IdP's signing certificates read from the metadata, each its DER in base64.", resolve: (provider) => [...provider.signingCertificates] }),
    validUntil: t.field({ type: 'DateTime', nullable: true, description: "The metadata's validUntil, when it has one.", resolve: (provider) => provider.validUntil }),
    tags: t.field({ type: [TagRef], resolve: (provider) => [...provider.tags] }),
    createDate: t.field({ type: 'DateTime', resolve: (provider) => provider.createdAt }),
  }),
});

builder.queryField('samlProvider', (t) =>
  t.field({
    type: SAMLProviderRef,
    errors: queryErrors('samlProvider'),
    args: { samlProviderArn: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.samlProviders.get(caller, args.samlProviderArn),
  }),
);

builder.queryField('samlProviders', (t) =>
  t.connection({
    type: SAMLProviderRef,
    errors: queryErrors('samlProviders'),
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      return toConnection(await iam.samlProviders.list(caller, { after: args.after ?? null, first: first + 1 }), first, (provider) => provider.name);
    },
  }),
);

builder.queryField('samlProviderTags', (t) =>
  t.field({
    type: [TagRef],
    description: "The provider's tags (iam:ListSAMLProviderTags), in the order they were added.",
    errors: queryErrors('samlProviderTags'),
    args: { samlProviderArn: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.samlProviders.tagsOf(caller, args.samlProviderArn),
  }),
);

const CreateInput = builder.inputType('CreateSAMLProviderInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '1 to 128 characters of letters, digits, _ . and -.' }),
    samlMetadataDocument: t.string({
      required: true,
      description: "The IdP's SAML 2.0 metadata (1,000 to 10,000,000 characters): an EntityDescriptor with an IDPSSODescriptor and its signing certificates.",
    }),
    tags: t.field({ type: [TagInput], required: false }),
  }),
});
const ArnInput = builder.inputType('SAMLProviderArnInput', { fields: (t) => ({ samlProviderArn: t.string({ required: true }) }) });
const UpdateInput = builder.inputType('UpdateSAMLProviderInput', {
  fields: (t) => ({ samlProviderArn: t.string({ required: true }), samlMetadataDocument: t.string({ required: true, description: 'Replaces the metadata whole.' }) }),
});
const TagProviderInput = builder.inputType('TagSAMLProviderInput', {
  fields: (t) => ({ samlProviderArn: t.string({ required: true }), tags: t.field({ type: [TagInput], required: true }) }),
});
const UntagProviderInput = builder.inputType('UntagSAMLProviderInput', {
  fields: (t) => ({ samlProviderArn: t.string({ required: true }), tagKeys: t.stringList({ required: true }) }),
});

builder.mutationField('createSAMLProvider', (t) =>
  t.field({
    type: SAMLProviderRef,
    errors: mutationErrors('createSAMLProvider'),
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.samlProviders.create(caller, input),
  }),
);

const SAML_PROVIDER: ProviderKind<SamlProvider, 'samlProviderArn'> = {
  ref: SAMLProviderRef,
  arnField: 'samlProviderArn',
  current: (iam, caller, arn) => iam.samlProviders.current(caller, arn),
};

providerChange(SAML_PROVIDER, 'updateSAMLProvider', UpdateInput, (iam, caller, input) => iam.samlProviders.update(caller, input.samlProviderArn, input.samlMetadataDocument));
providerChange(SAML_PROVIDER, 'tagSAMLProvider', TagProviderInput, (iam, caller, input) => iam.samlProviders.tag(caller, input.samlProviderArn, input.tags));
providerChange(SAML_PROVIDER, 'untagSAMLProvider', UntagProviderInput, (iam, caller, input) => iam.samlProviders.untag(caller, input.samlProviderArn, input.tagKeys));
builder.mutationField('deleteSAMLProvider', (t) =>
  t.boolean({
    errors: mutationErrors('deleteSAMLProvider'),
    args: { input: t.arg({ type: ArnInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.samlProviders.delete(caller, input.samlProviderArn), true),
  }),
);
