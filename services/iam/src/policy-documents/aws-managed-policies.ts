import { documentHash } from './validated-document-hash.js';

/**
 * The AWS-managed policies every account can attach, by name. Their ARNs have the account `aws`
 * (`arn:aws:iam::aws:policy/ReadOnlyAccess`). Warden's documents grant the same intent as AWS's
 * over the actions Warden knows: AWS's own ReadOnlyAccess lists thousands of service actions, which
 * here collapse to the read verbs.
 */
export interface AwsManagedPolicy {
  readonly name: string;
  readonly path: string;
  readonly description: string;
  readonly document: string;
}

const document = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    description: 'Provides full access to every action on every resource.',
    document: document({ Effect: 'Allow', Action: '*', Resource: '*' }),
  },
  {
    name: 'PowerUserAccess',
    path: '/',
    description: 'Provides full access except the management of users, groups and accounts.',
    document: document(
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions', 'account:GetAccountInformation'],
        Resource: '*',
      },
    ),
  },
  {
    name: 'ReadOnlyAccess',
    path: '/',
    description: 'Provides read-only access to every service.',
    document: document({ Effect: 'Allow', Action: ['*:Get*', '*:List*', '*:Describe*', '*:BatchGet*', '*:Simulate*'], Resource: '*' }),
  },
  {
    name: 'IAMFullAccess',
    path: '/',
    description: 'Provides full access to IAM.',
    document: document({ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:ListAccounts'], Resource: '*' }),
  },
  {
    name: 'IAMReadOnlyAccess',
    path: '/',
    description: 'Provides read-only access to IAM.',
    // AWS's version v4.
    document: document({
      Effect: 'Allow',
      Action: ['iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:Get*', 'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy'],
      Resource: '*',
    }),
  },
  {
    // Warden's own, in AWS's style: an auditor's reads, which IAMReadOnlyAccess (IAM's reads only) leaves out.
    name: 'WardenAuditReadOnly',
    path: '/',
    description: "Provides read access to the account's audit log and its settings, its credential report, its last-accessed data and the policies suggested from it.",
    document: document({
      Effect: 'Allow',
      Action: [
        'warden:GetAuditEvents',
        'warden:GetAuditSettings',
        'iam:GenerateCredentialReport',
        'iam:GetCredentialReport',
        'iam:GenerateServiceLastAccessedDetails',
        'iam:GetServiceLastAccessedDetails',
        'iam:GetServiceLastAccessedDetailsWithEntities',
        'warden:GetPolicySuggestion',
      ],
      Resource: '*',
    }),
  },
  {
    name: 'IAMUserChangePassword',
    path: '/',
    description: 'Lets an IAM user change their own password.',
    document: document({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' }, { Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' }),
  },
];

const BY_NAME = new Map(AWS_MANAGED_POLICIES.map((policy) => [policy.name, policy]));

const HASHES = new Map<AwsManagedPolicy, string>();

/** The SHA-256 of an AWS-managed policy's document (`documentHash`), as a stored one's is kept beside it. */
export function awsManagedDocumentHash(policy: AwsManagedPolicy): string {
  let hash = HASHES.get(policy);
  if (hash === undefined) HASHES.set(policy, (hash = documentHash(policy.document)));
  return hash;
}

/** The AWS-managed policy an ARN names (`arn:PARTITION:iam::aws:policy[/path]/NAME`), if any. */
export function findAwsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const match = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match ? BY_NAME.get(match[1]!) : undefined;
}
