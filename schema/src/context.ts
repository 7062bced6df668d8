import type { Caller, IamService } from '@warden/iam';

/** What every resolver gets: the IAM service and the authenticated caller. */
export interface GraphQLContext {
  readonly iam: IamService;
  readonly caller: Caller;
  /** Facts of the HTTP request, for operations that run before there is a caller (signIn); not `request`, which is yoga's own. */
  readonly requestFacts: { readonly requestId: string; readonly sourceIp: string | undefined; readonly userAgent: string | undefined };
  /** yoga's Fetch request, where yoga runs the operation: its signal fires when the client goes away. */
  readonly request?: { readonly signal: AbortSignal };
}
