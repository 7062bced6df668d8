import type { Caller, IamService } from '@warden/iam';

/** What every resolver gets: the IAM service and the authenticated caller. */
export interface GraphQLContext {
  readonly iam: IamService;
  readonly caller: Caller;
}
