/**
 * The one allow-list of what a request may do without credentials, each because what it carries
 * is its own credential: `signIn` (there is nobody to sign a request before signing in; the
 * console's, so GraphQL's only), and STS's AssumeRoleWithWebIdentity and AssumeRoleWithSAML (the
 * identity provider's token or signed assertion is the credential, which AWS STS takes unsigned). Each entry names the operation on both fronts:
 * its GraphQL mutation field and, where AWS has it, its Query protocol action. An unsigned action
 * is added here, in one line, and nowhere else.
 */
const UNSIGNED_ACTIONS: readonly { readonly graphqlField: string; readonly awsAction?: { readonly service: 'iam' | 'sts'; readonly action: string } }[] = [
  { graphqlField: 'signIn' },
  { graphqlField: 'assumeRoleWithWebIdentity', awsAction: { service: 'sts', action: 'AssumeRoleWithWebIdentity' } },
  { graphqlField: 'assumeRoleWithSAML', awsAction: { service: 'sts', action: 'AssumeRoleWithSAML' } },
];

/** GraphQL's mutation fields a request may run without credentials. */
export const UNSIGNED_OPERATIONS: ReadonlySet<string> = new Set(UNSIGNED_ACTIONS.map((entry) => entry.graphqlField));

const UNSIGNED_AWS_ACTIONS: ReadonlySet<string> = new Set(UNSIGNED_ACTIONS.flatMap((entry) => (entry.awsAction ? [`${entry.awsAction.service}:${entry.awsAction.action}`] : [])));

/** Whether the Query front answers this service's action without a signature. */
export function isUnsignedAwsAction(service: string, action: string | undefined): boolean {
  return action !== undefined && UNSIGNED_AWS_ACTIONS.has(`${service}:${action}`);
}
