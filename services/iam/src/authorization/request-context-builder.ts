import { RequestContext } from '@warden/policy';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { CompiledPrincipal } from './authorizer.js';

/**
 * Every request context Warden evaluates a principal's policies with is built here: a caller's own
 * request, an `authorize` question about a principal, and a simulation. Each joins the keys that
 * describe the principal with the keys that describe the request; they differ only in who may
 * supply which.
 */
export type ContextEntries = Readonly<Record<string, string | readonly string[]>>;

/**
 * The keys an `authorize` context may not set, lower-cased (IAM condition keys are
 * case-insensitive). They are AWS's global keys under "Properties of the principal", which AWS takes
 * from the principal that signed the request and never from the request itself, and the two time keys,
 * which come from the server's clock. A SaaS backend passes `authorize` context that its end users can
 * influence; if that context could set these, a user could choose its own tags, name or ARN and be
 * evaluated as someone else. AWS's "Properties of a role session", network and request keys
 * (aws:SourceIp, aws:SecureTransport, aws:MultiFactorAuthPresent, aws:RequestTag/*, service keys…)
 * describe the request, and stay the caller's to give.
 */
const PRINCIPAL_KEYS: ReadonlySet<string> = new Set([
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalisawsservice',
  'aws:principalservicename',
  'aws:principalservicenameslist',
  'aws:userid',
  'aws:username',
  'aws:currenttime',
  'aws:epochtime',
]);
const PRINCIPAL_TAG_PREFIX = 'aws:principaltag/';

/** The first key of `entries` that belongs to the principal or to the clock, as it was written. */
export function principalOwnedKey(entries: ContextEntries): string | undefined {
  for (const key in entries) {
    const lower = key.toLowerCase();
    if (PRINCIPAL_KEYS.has(lower) || lower.startsWith(PRINCIPAL_TAG_PREFIX)) return key;
  }
  return undefined;
}

/**
 * The context of a caller's own request: the principal's keys, then the keys the request brought
 * (authentication built them from the request itself), then the keys the operation adds (request
 * tags, iam:PolicyARN…). All of it comes from Warden, none from the caller's input. The encoded
 * authorization message records this same object.
 */
export function callerRequestContext(compiled: CompiledPrincipal, caller: Caller, operationContext: ContextEntries): Record<string, string | readonly string[]> {
  return { ...compiled.principalContext, ...caller.requestContext, ...operationContext };
}

/**
 * The context of an `authorize` question about a principal: the time keys from the server's clock,
 * the principal's keys from the principal, and the question's own context for everything else. A
 * context value for a principal or time key is refused with InvalidInputError naming it.
 */
export function authorizeRequestContext(compiled: CompiledPrincipal, given: ContextEntries | null | undefined, now: Date): RequestContext {
  const base = baseContext(compiled, now);
  if (!given || isEmpty(given)) return base;
  const owned = principalOwnedKey(given);
  if (owned !== undefined) {
    throw new InvalidInputError(
      `context key ${JSON.stringify(owned)} describes the principal (or the time of the request): its value comes from the principal and the server's clock, not from the request.`,
    );
  }
  try {
    return base.withOverrides(given);
  } catch (error) {
    throw new InvalidInputError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The context of AWS's SimulatePrincipalPolicy: the principal's keys, then the caller's context
 * entries, which may set any key. AWS's simulator takes the whole context from its caller (it is a
 * tool for asking "what if"); the answer is a simulation, not an authorization.
 */
export function simulationRequestContext(principalContext: Readonly<Record<string, string>>, entries: ContextEntries | null | undefined): Record<string, string | readonly string[]> {
  if (!entries || isEmpty(entries)) return { ...principalContext };
  // An entry replaces the principal's key whatever its case (keys are case-insensitive).
  const given = new Set(Object.keys(entries).map((key) => key.toLowerCase()));
  const context: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(principalContext)) if (!given.has(key.toLowerCase())) context[key] = value;
  return Object.assign(context, entries);
}

function isEmpty(entries: ContextEntries): boolean {
  for (const _key in entries) return false;
  return true;
}

/**
 * The time and principal keys of one principal at one instant, built once and shared by every
 * question of a batch (and every request in the same millisecond) that brings no context keys of
 * its own, the common case.
 */
const baseContexts = new WeakMap<CompiledPrincipal, { at: number; context: RequestContext }>();

function baseContext(compiled: CompiledPrincipal, now: Date): RequestContext {
  const cached = baseContexts.get(compiled);
  if (cached && cached.at === now.getTime()) return cached.context;
  const context = RequestContext.from({ 'aws:CurrentTime': now.toISOString(), 'aws:EpochTime': String(Math.floor(now.getTime() / 1000)), ...compiled.principalContext });
  baseContexts.set(compiled, { at: now.getTime(), context });
  return context;
}
