import type { WebIdentityAssumedRole } from '@warden/iam';
import { builder } from '../builder.js';
import { WEB_IDENTITY_ERRORS } from './errors.js';
import { mutationErrors } from './result-names.js';
import { AssumedRoleUserRef, CredentialsRef, PACKED_POLICY_SIZE } from './sts.js';

const AssumeRoleWithWebIdentityOutput = builder.objectRef<WebIdentityAssumedRole>('AssumeRoleWithWebIdentityOutput').implement({
  fields: (t) => ({
    credentials: t.field({ type: CredentialsRef, resolve: (output) => output.credentials }),
    assumedRoleUser: t.field({ type: AssumedRoleUserRef, resolve: (output) => output.assumedRoleUser }),
    subjectFromWebIdentityToken: t.exposeString('subjectFromWebIdentityToken', { description: "The token's sub claim." }),
    provider: t.exposeString('provider', { description: "The token's issuer (its iss claim)." }),
    audience: t.exposeString('audience', { description: 'The client id the token was issued to.' }),
    packedPolicySize: t.int({ nullable: true, description: PACKED_POLICY_SIZE, resolve: (output) => output.packedPolicySize }),
  }),
});

builder.mutationField('assumeRoleWithWebIdentity', (t) =>
  t.field({
    type: AssumeRoleWithWebIdentityOutput,
    description:
      'sts:AssumeRoleWithWebIdentity: temporary credentials for a role whose trust policy names the token\'s OpenID Connect provider ({"Federated": PROVIDER_ARN}). Sent unsigned: the token is the credential.',
    errors: mutationErrors('assumeRoleWithWebIdentity', WEB_IDENTITY_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('AssumeRoleWithWebIdentityInput', {
          fields: (f) => ({
            roleArn: f.string({ required: true }),
            roleSessionName: f.string({ required: true }),
            webIdentityToken: f.string({ required: true, description: 'The OpenID Connect ID token (a JWT) the identity provider issued.' }),
            policy: f.string({ required: false, description: 'An inline session policy (JSON).' }),
            policyArns: f.stringList({ required: false }),
            durationSeconds: f.int({ required: false }),
            providerId: f.string({ required: false, description: 'For OAuth 2.0 access tokens only; leave it out for OpenID Connect ID tokens.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, requestFacts }) => iam.webIdentity.assumeRoleWithWebIdentity(input, requestFacts),
  }),
);
