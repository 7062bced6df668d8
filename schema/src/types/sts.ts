import { AccessDeniedError, type AssumedRole, type FederationToken, InvalidInputError, type TemporaryCredentials } from '@warden/iam';
import { builder } from '../builder.js';
import { SESSION_POLICY_MUTATION_ERRORS } from './errors.js';
import { mutationErrors } from './result-names.js';
import { RoleRef } from './role.js';
import { TagInput } from './tag.js';

/** The security token service: temporary credentials for a role, a user's own session, a federated user. */
export const CredentialsRef = builder.objectRef<TemporaryCredentials>('Credentials').implement({
  description: 'Temporary credentials: sign with the key and secret, and send the session token as X-Amz-Security-Token.',
  fields: (t) => ({
    accessKeyId: t.exposeString('accessKeyId'),
    secretAccessKey: t.exposeString('secretAccessKey', { description: 'Shown once.' }),
    sessionToken: t.exposeString('sessionToken'),
    expiration: t.field({ type: 'DateTime', resolve: (credentials) => credentials.expiration }),
  }),
});

/** AWS's PackedPolicySize, as every answer that carries it describes it. */
export const PACKED_POLICY_SIZE =
  'How full the packed session policies and session tags are, in percent of the allowed space (over 100 is PackedPolicyTooLargeError); null when the request passed none.';

export const AssumedRoleUserRef = builder.objectRef<AssumedRole['assumedRoleUser']>('AssumedRoleUser').implement({
  fields: (t) => ({ arn: t.exposeString('arn'), assumedRoleId: t.exposeString('assumedRoleId') }),
});

const AssumedRoleRef = builder.objectRef<AssumedRole>('AssumeRoleOutput').implement({
  fields: (t) => ({
    credentials: t.field({ type: CredentialsRef, resolve: (output) => output.credentials }),
    assumedRoleUser: t.field({ type: AssumedRoleUserRef, resolve: (output) => output.assumedRoleUser }),
    sourceIdentity: t.string({ nullable: true, resolve: (output) => output.sourceIdentity }),
    packedPolicySize: t.int({ nullable: true, description: PACKED_POLICY_SIZE, resolve: (output) => output.packedPolicySize }),
  }),
});

const FederatedUserRef = builder.objectRef<FederationToken['federatedUser']>('FederatedUser').implement({
  fields: (t) => ({ arn: t.exposeString('arn'), federatedUserId: t.exposeString('federatedUserId') }),
});

const FederationTokenRef = builder.objectRef<FederationToken>('FederationTokenOutput').implement({
  fields: (t) => ({
    credentials: t.field({ type: CredentialsRef, resolve: (output) => output.credentials }),
    federatedUser: t.field({ type: FederatedUserRef, resolve: (output) => output.federatedUser }),
    packedPolicySize: t.int({ nullable: true, description: PACKED_POLICY_SIZE, resolve: (output) => output.packedPolicySize }),
  }),
});

builder.mutationField('assumeRole', (t) =>
  t.field({
    type: AssumedRoleRef,
    description: "sts:AssumeRole: allowed when the role's trust policy allows the caller (and, across accounts, the caller's own policies too).",
    errors: mutationErrors('assumeRole', SESSION_POLICY_MUTATION_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('AssumeRoleInput', {
          fields: (f) => ({
            roleArn: f.string({ required: true }),
            roleSessionName: f.string({ required: true }),
            durationSeconds: f.int({ required: false }),
            externalId: f.string({ required: false }),
            policy: f.string({ required: false, description: 'An inline session policy (JSON).' }),
            policyArns: f.stringList({ required: false }),
            tags: f.field({ type: [TagInput], required: false }),
            sourceIdentity: f.string({ required: false }),
            serialNumber: f.string({ required: false, description: "MFA: the caller's device (its ARN)." }),
            tokenCode: f.string({ required: false, description: 'MFA: the code the device shows now.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.sts.assumeRole(caller, input),
  }),
);

builder.mutationField('getSessionToken', (t) =>
  t.field({
    type: CredentialsRef,
    errors: mutationErrors('getSessionToken'),
    args: {
      input: t.arg({
        type: builder.inputType('GetSessionTokenInput', {
          fields: (f) => ({
            durationSeconds: f.int({ required: false }),
            serialNumber: f.string({ required: false, description: "MFA: the caller's device (its ARN); the credentials then carry aws:MultiFactorAuthPresent true." }),
            tokenCode: f.string({ required: false, description: 'MFA: the code the device shows now.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.sts.getSessionToken(caller, input),
  }),
);

builder.mutationField('getFederationToken', (t) =>
  t.field({
    type: FederationTokenRef,
    errors: mutationErrors('getFederationToken', SESSION_POLICY_MUTATION_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('GetFederationTokenInput', {
          fields: (f) => ({
            name: f.string({ required: true }),
            policy: f.string({ required: false }),
            policyArns: f.stringList({ required: false }),
            durationSeconds: f.int({ required: false }),
            tags: f.field({ type: [TagInput], required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.sts.getFederationToken(caller, input),
  }),
);

builder.mutationField('revokeRoleSessions', (t) =>
  t.field({
    type: RoleRef,
    description: 'Refuses every session of the role issued before `before` (default: now), as AWS\'s "revoke active sessions".',
    errors: mutationErrors('revokeRoleSessions'),
    args: {
      input: t.arg({
        type: builder.inputType('RevokeRoleSessionsInput', { fields: (f) => ({ roleName: f.string({ required: true }), before: f.field({ type: 'DateTime', required: false }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.sts.revokeRoleSessions(caller, input.roleName, input.before), iam.roles.current(caller, input.roleName)),
  }),
);

builder.queryField('decodeAuthorizationMessage', (t) =>
  t.field({
    type: 'JSON',
    description: 'sts:DecodeAuthorizationMessage: the request, context and deciding statements behind an AccessDeniedError of this account.',
    errors: mutationErrors('decodeAuthorizationMessage', [AccessDeniedError, InvalidInputError]),
    args: { input: t.arg({ type: builder.inputType('DecodeAuthorizationMessageInput', { fields: (f) => ({ encodedMessage: f.string({ required: true }) }) }), required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.sts.decodeAuthorizationMessage(caller, input.encodedMessage),
  }),
);
