import type { Database } from '@warden/db';
import { compilePolicySet, evaluate, type PolicySet } from '@warden/policy';
import type { Kysely } from 'kysely';
import type { Caller, CallerSession } from '../kernel/command-context.js';
import type { SecretCipher } from '../keyring/live-keyring.js';
import { sessionPrincipalContext } from './session-principal.js';
import { accessDenied } from './authorization-message.js';
import { loadPrincipalPolicies, type PrincipalRecord, sessionPolicy } from './principal-policy-loader.js';
import { callerRequestContext, type ContextEntries } from './request-context-builder.js';
import type { IamObserver } from '../kernel/iam-observer.js';

/**
 * Decides whether a principal may perform an action on a resource, with its real policies. Compiled
 * policy sets are cached per (account, principal) and tagged with the account's change epoch, which
 * every committed change bumps in the same transaction: a cache entry is used only while the epoch
 * it was built at is still current, so a committed change is seen by the very next request, on any
 * replica, and no two accounts ever share an entry.
 */
export interface CompiledPrincipal {
  readonly epoch: string;
  readonly principal: PrincipalRecord;
  readonly policySet: PolicySet;
  /** Condition keys that describe the principal (aws:username, aws:PrincipalTag/…). */
  readonly principalContext: Readonly<Record<string, string>>;
}

const MAX_CACHED = 10_000;

export class Authorizer {
  private readonly cache = new Map<string, CompiledPrincipal>();
  /** The same compiled principals by account and ARN (at one epoch an ARN names one principal). */
  private readonly byArn = new Map<string, CompiledPrincipal>();

  constructor(
    private readonly partition: string,
    private readonly keyring: SecretCipher,
    private readonly observer: IamObserver,
  ) {}

  /** A compiled principal still current at `epoch`, found by ARN, without touching the database. */
  cachedByArn(accountId: string, arn: string, epoch: string): CompiledPrincipal | undefined {
    const compiled = this.byArn.get(`${accountId}|${arn}`);
    return compiled && compiled.epoch === epoch ? this.hit(compiled) : undefined;
  }

  /** A compiled principal still current at `epoch`, found by type and id. */
  cachedById(accountId: string, type: 'user' | 'role', id: string, epoch: string): CompiledPrincipal | undefined {
    return this.current(`${accountId}|${type}|${id}`, epoch);
  }

  cachedSession(accountId: string, sessionId: string, epoch: string): CompiledPrincipal | undefined {
    return this.current(`${accountId}|session|${sessionId}`, epoch);
  }

  async compiledPrincipal(db: Kysely<Database>, principal: PrincipalRecord, epoch: string): Promise<CompiledPrincipal> {
    const key = `${principal.accountId}|${principal.type}|${principal.id}`;
    const cached = this.current(key, epoch);
    if (cached) return cached;
    const policies = await loadPrincipalPolicies(db, principal);
    const entry = this.remember(key, epoch, principal, compilePolicySet({ identityPolicies: policies.identityPolicies, permissionBoundary: policies.permissionBoundary }), principalContext(principal));
    if (this.byArn.size >= MAX_CACHED) this.byArn.delete(this.byArn.keys().next().value!);
    this.byArn.set(`${principal.accountId}|${principal.arn}`, entry);
    return entry;
  }

  /**
   * A session's compiled policies: its base principal's (the role, or the federating user), with
   * the session policies intersecting them. Cached per session and epoch.
   */
  async compiledSession(db: Kysely<Database>, base: PrincipalRecord, session: CallerSession, sessionArn: string, epoch: string): Promise<CompiledPrincipal> {
    const key = `${base.accountId}|session|${session.sessionId}`;
    const cached = this.current(key, epoch);
    if (cached) return cached;
    const policies = await loadPrincipalPolicies(db, base);
    const compiled = compilePolicySet({ identityPolicies: policies.identityPolicies, permissionBoundary: policies.permissionBoundary, sessionPolicies: session.sessionPolicies.map(sessionPolicy) });
    return this.remember(key, epoch, base, compiled, sessionPrincipalContext(base, session, sessionArn));
  }

  private current(key: string, epoch: string): CompiledPrincipal | undefined {
    const compiled = this.cache.get(key);
    return compiled && compiled.epoch === epoch ? this.hit(compiled) : undefined;
  }

  /**
   * Hits are counted where a lookup finds a current entry, misses where one is compiled (remember):
   * a lookup that misses and is then answered another way (the slow path's own lookup) is not a
   * second miss.
   */
  private hit(compiled: CompiledPrincipal): CompiledPrincipal {
    this.observer.cache('compiled-principals', 'hit');
    return compiled;
  }

  private remember(key: string, epoch: string, principal: PrincipalRecord, compiled: ReturnType<typeof compilePolicySet>, context: Record<string, string>): CompiledPrincipal {
    const entry = compiledPrincipalOf(epoch, principal, compiled, context);
    this.observer.cache('compiled-principals', 'miss');
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, entry);
    return entry;
  }

  /**
   * The caller's permission for its own request, decided with `compiled` (the caller's policy set,
   * as `IamCore.compiledCaller` chooses it): returns when allowed, else throws the AccessDeniedError
   * with the encoded decision. Every check of a caller, from the cache or not, ends here.
   * `accountGrant`: the account itself grants the action, so an implicit deny is enough (see
   * `IamCore.authorize`).
   */
  check(compiled: CompiledPrincipal, caller: Caller, action: string, resource: string, now: Date, operationContext: ContextEntries = {}, accountGrant = false): void {
    const context = callerRequestContext(compiled, caller, operationContext);
    const result = evaluate(compiled.policySet, { principal: caller.arn, action, resource, context }, { now });
    if (result.decision === 'allow' || (accountGrant && result.decision !== 'explicit_deny')) return;
    throw accessDenied(this.keyring, caller.accountId, { principal: caller.arn, action, resource }, result, context, now);
  }

  get partitionName(): string {
    return this.partition;
  }
}

/**
 * A principal with its compiled policy set and context keys, as every decision about it uses them
 * (the cache's entries and a point-in-time fold's alike). Stored policies were validated when
 * written; if one no longer compiles, deny rather than guess.
 */
export function compiledPrincipalOf(epoch: string, principal: PrincipalRecord, compiled: ReturnType<typeof compilePolicySet>, context: Record<string, string>): CompiledPrincipal {
  return { epoch, principal, policySet: compiled.ok ? compiled.policySet : emptyDenyAll(), principalContext: context };
}

function emptyDenyAll(): PolicySet {
  const compiled = compilePolicySet({ identityPolicies: [] });
  if (!compiled.ok) throw new Error('an empty policy set always compiles');
  return compiled.policySet;
}

export function principalContext(principal: PrincipalRecord): Record<string, string> {
  const context: Record<string, string> = {
    'aws:PrincipalArn': principal.arn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.type === 'user' ? 'User' : 'AssumedRole',
    'aws:userid': principal.id,
  };
  if (principal.type === 'user') context['aws:username'] = principal.name;
  for (const tag of principal.tags) context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  return context;
}
