/**
 * What one API call did that its record needs and that only the code under it knows: the
 * permissions it asked (the first is the IAM action the call is for, as AWS names an API call by
 * the action it authorizes), the principal whose policies answered, and whether it went on to write.
 * Opened by `recordedOperations` around an IamService operation, carried on the caller it passes
 * down (`Caller.callScope`), and filled in by `IamCore`; an operation called by another with that
 * caller is part of its call, so a call is one record however it is built. Carried explicitly, not
 * in an AsyncLocalStorage: on Node 20 one of those, once used, runs a hook on every promise the
 * process makes, `authorize`'s included (docs/performance.md).
 */
export interface CallScope {
  /** The first permission asked: the call's operation and first resource. */
  action: string | undefined;
  readonly resources: string[];
  /** The IAM principal whose policies were asked (the user, or the role or user behind a session). */
  principalArn: string | undefined;
  /** The call entered the write protocol: what it changed is in the event log, not in a record. */
  wrote: boolean;
}

/** At most this many resources per record: a call that asks about hundreds keeps its first ones. */
const MAX_RESOURCES = 20;

export function newCallScope(): CallScope {
  return { action: undefined, resources: [], principalArn: undefined, wrote: false };
}

/** A permission the current call asked of its caller's policies (IamCore.authorize tells each). */
export function notePermissionAsked(scope: CallScope, action: string, resource: string, principalArn: string | undefined): void {
  scope.action ??= action;
  scope.principalArn ??= principalArn;
  if (scope.resources.length < MAX_RESOURCES && !scope.resources.includes(resource)) scope.resources.push(resource);
}

/** The call entered `IamCore.write`. */
export function noteWrite(scope: CallScope | undefined): void {
  if (scope) scope.wrote = true;
}
