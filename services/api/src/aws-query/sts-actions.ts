import { callerUserId } from '@warden/iam';
import { credentialsShape } from './aws-shapes.js';
import { validationError } from './aws-errors.js';
import { actionsOf, type QueryAction, unsignedActionsOf } from './query-action.js';
import type { QueryParameters } from './query-parameters.js';

/**
 * STS's actions over the Query protocol (API version 2011-06-15), by AWS's action names, each
 * calling the IamService operation GraphQL's resolver calls. Duration bounds are the STS model's
 * own constraints on DurationSeconds (a ValidationError before any operation runs); everything
 * else (who may assume what, for how long given the role) is the operation's.
 */
const sts = actionsOf('sts');
const unsignedSts = unsignedActionsOf('sts');

/** Session tag keys that pass to chained sessions: not supported by Warden's sessions, so refused rather than ignored. */
function refuseTransitiveTags(p: QueryParameters): void {
  if (p.list('TransitiveTagKeys').length > 0) throw validationError('TransitiveTagKeys is not supported: session tags do not pass to chained sessions here.');
}

function sessionPolicyInput(p: QueryParameters) {
  return { policy: p.optional('Policy') ?? null, policyArns: p.policyArns('PolicyArns'), tags: p.tags('Tags') };
}

export const STS_ACTIONS = {
  GetCallerIdentity: sts(
    () => undefined,
    // Always allowed (AWS: "No permissions are required"): the answer is who authentication found.
    (_service, caller) => Promise.resolve(caller),
    (caller) => ({ UserId: callerUserId(caller), Account: caller.accountId, Arn: caller.arn }),
  ),
  AssumeRole: sts(
    (p) => {
      refuseTransitiveTags(p);
      return {
        roleArn: p.required('RoleArn'),
        roleSessionName: p.required('RoleSessionName'),
        durationSeconds: p.integer('DurationSeconds', 900, 43_200) ?? null,
        externalId: p.optional('ExternalId') ?? null,
        sourceIdentity: p.optional('SourceIdentity') ?? null,
        serialNumber: p.optional('SerialNumber') ?? null,
        tokenCode: p.optional('TokenCode') ?? null,
        ...sessionPolicyInput(p),
      };
    },
    (service, caller, input) => service.sts.assumeRole(caller, input),
    (assumed) => ({
      Credentials: credentialsShape(assumed.credentials),
      AssumedRoleUser: { AssumedRoleId: assumed.assumedRoleUser.assumedRoleId, Arn: assumed.assumedRoleUser.arn },
      PackedPolicySize: assumed.packedPolicySize ?? undefined,
      SourceIdentity: assumed.sourceIdentity ?? undefined,
    }),
  ),
  GetSessionToken: sts(
    (p) => ({ durationSeconds: p.integer('DurationSeconds', 900, 129_600) ?? null, serialNumber: p.optional('SerialNumber') ?? null, tokenCode: p.optional('TokenCode') ?? null }),
    (service, caller, input) => service.sts.getSessionToken(caller, input),
    (credentials) => ({ Credentials: credentialsShape(credentials) }),
  ),
  GetFederationToken: sts(
    (p) => ({ name: p.required('Name'), durationSeconds: p.integer('DurationSeconds', 900, 129_600) ?? null, ...sessionPolicyInput(p) }),
    (service, caller, input) => service.sts.getFederationToken(caller, input),
    (token) => ({
      Credentials: credentialsShape(token.credentials),
      FederatedUser: { FederatedUserId: token.federatedUser.federatedUserId, Arn: token.federatedUser.arn },
      PackedPolicySize: token.packedPolicySize ?? undefined,
    }),
  ),
  // Unsigned: the web identity token is the credential (isUnsignedAwsAction's allow-list).
  AssumeRoleWithWebIdentity: unsignedSts(
    (p) => ({
      roleArn: p.required('RoleArn'),
      roleSessionName: p.required('RoleSessionName'),
      webIdentityToken: p.required('WebIdentityToken'),
      providerId: p.optional('ProviderId') ?? null,
      durationSeconds: p.integer('DurationSeconds', 900, 43_200) ?? null,
      policy: p.optional('Policy') ?? null,
      policyArns: p.policyArns('PolicyArns'),
    }),
    (service, facts, input) => service.webIdentity.assumeRoleWithWebIdentity(input, facts),
    (assumed) => ({
      Credentials: credentialsShape(assumed.credentials),
      SubjectFromWebIdentityToken: assumed.subjectFromWebIdentityToken,
      AssumedRoleUser: { AssumedRoleId: assumed.assumedRoleUser.assumedRoleId, Arn: assumed.assumedRoleUser.arn },
      Provider: assumed.provider,
      Audience: assumed.audience,
      PackedPolicySize: assumed.packedPolicySize ?? undefined,
    }),
  ),
  AssumeRoleWithSAML: unsignedSts(
    (p) => ({
      roleArn: p.required('RoleArn'),
      principalArn: p.required('PrincipalArn'),
      samlAssertion: p.required('SAMLAssertion'),
      durationSeconds: p.integer('DurationSeconds', 900, 43_200) ?? null,
      policy: p.optional('Policy') ?? null,
      policyArns: p.policyArns('PolicyArns'),
    }),
    (service, facts, input) => service.saml.assumeRoleWithSAML(input, facts),
    (assumed) => ({
      Credentials: credentialsShape(assumed.credentials),
      AssumedRoleUser: { AssumedRoleId: assumed.assumedRoleUser.assumedRoleId, Arn: assumed.assumedRoleUser.arn },
      PackedPolicySize: assumed.packedPolicySize ?? undefined,
      Subject: assumed.subject,
      SubjectType: assumed.subjectType,
      Issuer: assumed.issuer,
      Audience: assumed.audience,
      NameQualifier: assumed.nameQualifier,
      SourceIdentity: assumed.sourceIdentity ?? undefined,
    }),
  ),
  DecodeAuthorizationMessage: sts(
    (p) => p.required('EncodedMessage'),
    (service, caller, encoded) => service.sts.decodeAuthorizationMessage(caller, encoded),
    // AWS answers the decoded message as a JSON document in a string.
    (message) => ({ DecodedMessage: JSON.stringify(message) }),
  ),
} satisfies Record<string, QueryAction>;
