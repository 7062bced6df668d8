import type { CallerSession } from '../kernel/command-context.js';
import type { PrincipalRecord } from './principal-policy-loader.js';

/**
 * The condition keys that describe a session's principal, as AWS fills them: for an assumed role,
 * aws:PrincipalArn is the role's ARN and aws:userid is `ROLE_ID:SESSION_NAME`; session tags win
 * over the role's own tags as aws:PrincipalTag/*. A federated user is `ACCOUNT:NAME`.
 */
export function sessionPrincipalContext(base: PrincipalRecord, session: CallerSession, sessionArn: string): Record<string, string> {
  const context: Record<string, string> = {
    'aws:PrincipalAccount': base.accountId,
    'aws:TokenIssueTime': session.issuedAt.toISOString(),
    'aws:MultiFactorAuthPresent': session.mfaAuthenticated ? 'true' : 'false',
  };
  if (session.kind === 'assumed-role') {
    context['aws:PrincipalArn'] = base.arn;
    context['aws:PrincipalType'] = 'AssumedRole';
    context['aws:userid'] = `${base.id}:${session.sessionName}`;
    for (const tag of base.tags) context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  } else {
    context['aws:PrincipalArn'] = sessionArn;
    context['aws:PrincipalType'] = 'FederatedUser';
    context['aws:userid'] = `${base.accountId}:${session.sessionName}`;
    for (const tag of base.tags) context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  }
  // Session tags override principal tags of the same key (keys are case-insensitive).
  for (const tag of session.tags) {
    for (const key of Object.keys(context)) if (key.toLowerCase() === `aws:principaltag/${tag.key.toLowerCase()}`) delete context[key];
    context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  }
  if (session.sourceIdentity) {
    context['aws:SourceIdentity'] = session.sourceIdentity;
    context['sts:SourceIdentity'] = session.sourceIdentity;
  }
  return context;
}
