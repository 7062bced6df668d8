import { IAM_ACCESS_ADVISOR_ACTIONS } from './iam-access-advisor-actions.js';
import { IAM_ACCOUNT_ACTIONS } from './iam-account-actions.js';
import { IAM_ACTIONS } from './iam-actions.js';
import { IAM_HOLDER_ACTIONS } from './iam-holder-actions.js';
import { IAM_OIDC_PROVIDER_ACTIONS } from './iam-oidc-provider-actions.js';
import { IAM_SAML_PROVIDER_ACTIONS } from './iam-saml-provider-actions.js';
import type { AwsService, QueryAction } from './query-action.js';
import { STS_ACTIONS } from './sts-actions.js';

/** Every action the Query front answers, by service and AWS action name: the one table requests are dispatched by and the README's table is generated from. */
export const QUERY_ACTIONS: Readonly<Record<AwsService, Readonly<Record<string, QueryAction>>>> = {
  iam: { ...IAM_ACTIONS, ...IAM_HOLDER_ACTIONS, ...IAM_ACCOUNT_ACTIONS, ...IAM_SAML_PROVIDER_ACTIONS, ...IAM_OIDC_PROVIDER_ACTIONS, ...IAM_ACCESS_ADVISOR_ACTIONS },
  sts: STS_ACTIONS,
};

export function queryActionOf(service: AwsService, name: string): QueryAction | undefined {
  const actions = QUERY_ACTIONS[service];
  return Object.hasOwn(actions, name) ? actions[name] : undefined;
}
