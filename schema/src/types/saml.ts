import type { SamlAssumedRole } from '@warden/iam';
import { builder } from '../builder.js';
import { SAML_ERRORS } from './errors.js';
import { mutationErrors } from './result-names.js';
import { AssumedRoleUserRef, CredentialsRef, PACKED_POLICY_SIZE } from './sts.js';

const AssumeRoleWithSAMLOutput = builder.objectRef<SamlAssumedRole>('AssumeRoleWithSAMLOutput').implement({
  fields: (t) => ({
    credentials: t.field({ type: CredentialsRef, resolve: (output) => output.credentials }),
    assumedRoleUser: t.field({ type: AssumedRoleUserRef, resolve: (output) => output.assumedRoleUser }),
    subject: t.exposeString('subject', { description: "The assertion's NameID." }),
    subjectType: t.exposeString('subjectType', { description: 'persistent, transient, or the NameID Format URI whole.' }),
    issuer: t.exposeString('issuer', { description: "The assertion's Issuer: the provider's entity id." }),
    audience: t.exposeString('audience', { description: "The SubjectConfirmationData's Recipient (AWS's Audience and saml:aud)." }),
    nameQualifier: t.exposeString('nameQualifier', {
      description: 'BASE64(SHA1(issuer + account id + "/" + provider name)): with subject, names the federated user uniquely (saml:namequalifier).',
    }),
    sourceIdentity: t.string({ nullable: true, resolve: (output) => output.sourceIdentity }),
    packedPolicySize: t.int({ nullable: true, description: PACKED_POLICY_SIZE, resolve: (output) => output.packedPolicySize }),
  }),
});

builder.mutationField('assumeRoleWithSAML', (t) =>
  t.field({
    type: AssumeRoleWithSAMLOutput,
    description:
      'sts:AssumeRoleWithSAML: temporary credentials for a role whose trust policy names the SAML provider ({"Federated": PROVIDER_ARN}) that signed the assertion, and that the assertion\'s Role attribute pairs with it. Sent unsigned: the assertion is the credential.',
    errors: mutationErrors('assumeRoleWithSAML', SAML_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('AssumeRoleWithSAMLInput', {
          fields: (f) => ({
            roleArn: f.string({ required: true }),
            principalArn: f.string({ required: true, description: "The SAML provider's ARN." }),
            samlAssertion: f.string({ required: true, description: 'The base64 SAML Response the identity provider posted.' }),
            policy: f.string({ required: false, description: 'An inline session policy (JSON).' }),
            policyArns: f.stringList({ required: false }),
            durationSeconds: f.int({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, requestFacts }) => iam.saml.assumeRoleWithSAML(input, requestFacts),
  }),
);
