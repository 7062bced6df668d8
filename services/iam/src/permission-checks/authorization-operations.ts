import { inAccountTransaction } from '@warden/db';
import { compilePolicy, compilePolicySet, type CompiledPolicy, describeDecision, evaluate, type EvaluationResult, type MatchedStatement, parsePrincipalArn, PolicySet } from '@warden/policy';
import type { Caller } from '../kernel/command-context.js';
import { usageRegion } from '../kernel/usage-counters.js';
import { InvalidInputError, MalformedPolicyDocumentError, NoSuchEntityError, refusedByRule } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { type CompiledPrincipal, principalContext, type PrincipalOwner } from '../authorization/authorizer.js';
import { loadPrincipalPolicies } from '../authorization/principal-policy-loader.js';
import { authorizeRequestContext, type ContextEntries, simulationRequestContext } from '../authorization/request-context-builder.js';

/**
 * `authorize` (may this principal do this, now?), in single and batch form, and AWS's two policy
 * simulators. Asking about a principal needs `iam:SimulatePrincipalPolicy` on it; principals of the
 * management account may be granted that over every account's principals.
 */
export interface AuthorizeRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /**
   * Keys that describe the request (aws:SourceIp, aws:RequestTag/…, service keys). Keys that
   * describe the principal, and the time keys, come from the principal and the server's clock: a
   * value for one is refused (see `request-context-builder.ts`).
   */
  readonly context?: ContextEntries | null;
  readonly resourceAccount?: string | null;
}

export interface AuthorizeAnswer {
  readonly decision: EvaluationResult['decision'];
  readonly matched: readonly MatchedStatement[];
  readonly reason: string;
}

export class AuthorizationOperations {
  constructor(private readonly core: IamCore) {}

  /** A principal asked about, by ARN: a user or a role of `accountId`, else NoSuchEntity. */
  private targetOwner(accountId: string, arn: string): PrincipalOwner {
    const kind = parsePrincipalArn(arn)?.kind;
    if (kind === 'user' || kind === 'role') return { accountId, type: kind, arn };
    throw new NoSuchEntityError(`No user or role with ARN ${arn} exists in account ${accountId}.`);
  }

  /**
   * May the caller ask about principals of `targetAccount`? Their own, or any when they are in the
   * management account; always decided now, whatever instant the question is about.
   */
  async authorizeAsking(caller: Caller, targetAccount: string, principalArns: readonly string[]): Promise<void> {
    if (targetAccount === caller.accountId && caller.accountEpoch !== undefined) {
      // The caller's compiled set is usually cached: then the check needs no transaction at all.
      const pending = this.core.requireAllowed(caller, 'iam:SimulatePrincipalPolicy', principalArns);
      if (pending) await pending;
      return;
    }
    await this.core.read(caller, async (trx) => {
      if (targetAccount !== caller.accountId) {
        const account = await trx.selectFrom('accounts').select('is_management').where('account_id', '=', caller.accountId).executeTakeFirst();
        if (!account?.is_management) {
          throw refusedByRule(
            'iam:SimulatePrincipalPolicy',
            principalArns[0] ?? '*',
            `User: ${caller.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${principalArns[0]} because the principal is in another account`,
          );
        }
      }
      await this.core.requireAllowed(caller, 'iam:SimulatePrincipalPolicy', principalArns, { trx });
    });
  }

  /**
   * The preamble of every question about principals: their account (`accountOfPrincipals`), then
   * whether the caller may ask about them (`authorizeAsking`). Returns the account.
   */
  async askAbout(caller: Caller, principalArns: readonly string[]): Promise<string> {
    const targetAccount = accountOfPrincipals(principalArns);
    await this.authorizeAsking(caller, targetAccount, principalArns);
    return targetAccount;
  }

  async authorize(caller: Caller, request: AuthorizeRequest): Promise<AuthorizeAnswer> {
    const [answer] = await this.authorizeMany(caller, [request]);
    return answer!;
  }

  /** Many checks in one call, all for principals of one account. */
  async authorizeMany(caller: Caller, requests: readonly AuthorizeRequest[]): Promise<AuthorizeAnswer[]> {
    if (requests.length === 0) return [];
    const now = this.core.clock.now();
    // The hot path: principals of the caller's own account, answered from policy sets compiled at
    // the account epoch authentication read (committed state), with no database round trip. A
    // principal found there is one of the caller's account's, so no ARN needs parsing first.
    if (caller.accountEpoch !== undefined) {
      const principals = this.cachedPrincipals(caller.accountId, requests, caller.accountEpoch);
      if (principals) {
        // The same caller check as every other path; awaited only when the caller's own policy set
        // is not compiled at this epoch yet.
        const pending = this.core.requireAllowed(
          caller,
          'iam:SimulatePrincipalPolicy',
          requests.map((request) => request.principal),
        );
        if (pending) await pending;
        const answers: AuthorizeAnswer[] = [];
        for (let index = 0; index < requests.length; index++) answers.push(answer(principals[index]!, requests[index]!, now));
        this.used(caller.accountId, requests, principals, answers, now);
        return this.told(answers);
      }
    }
    const targetAccount = await this.askAbout(
      caller,
      requests.map((request) => request.principal),
    );
    // No transaction: each principal's load is one statement that takes the target account's row
    // security itself (loadPrincipalPolicies), one snapshot per principal as before.
    // The cache is asked at the caller's epoch; another account's principals are always read.
    const epoch = targetAccount === caller.accountId ? caller.accountEpoch : undefined;
    const answers: AuthorizeAnswer[] = [];
    // A batch usually asks about few principals: each is read and compiled once.
    const compiled = new Map<string, CompiledPrincipal>();
    const principals: CompiledPrincipal[] = [];
    for (const request of requests) {
      let principal = compiled.get(request.principal);
      if (principal === undefined) {
        principal = await this.core.authorizer.compiledPrincipal(this.core.db, this.targetOwner(targetAccount, request.principal), epoch);
        compiled.set(request.principal, principal);
      }
      principals.push(principal);
      answers.push(answer(principal, request, now));
    }
    this.used(targetAccount, requests, principals, answers, now);
    return this.told(answers);
  }

  /**
   * Each allow answered about a principal is its use of the action (Access Advisor's last
   * accessed): Warden answers `authorize` for the applications that enforce its decisions.
   */
  private used(accountId: string, requests: readonly AuthorizeRequest[], principals: readonly CompiledPrincipal[], answers: readonly AuthorizeAnswer[], now: Date): void {
    const usage = this.core.usage;
    if (!usage.enabled) return;
    for (let index = 0; index < answers.length; index++) {
      if (answers[index]!.decision !== 'allow') continue;
      const request = requests[index]!;
      usage.record(accountId, principals[index]!.principal.arn, request.action, now, usageRegion(request.context));
    }
  }

  /** The decisions answered, told to the observer once all of them are (a batch refused midway answered none). */
  private told(answers: AuthorizeAnswer[]): AuthorizeAnswer[] {
    for (const each of answers) this.core.observer.authorized(each.decision === 'allow' ? 'allow' : 'deny');
    return answers;
  }

  /**
   * Every principal asked about, compiled at this epoch, or `undefined` when one is not: each must
   * be a compiled principal of the caller's own account (so that a batch the slow path would refuse
   * as invalid goes there).
   */
  private cachedPrincipals(accountId: string, requests: readonly AuthorizeRequest[], epoch: string): CompiledPrincipal[] | undefined {
    const authorizer = this.core.authorizer;
    const principals: CompiledPrincipal[] = [];
    for (const request of requests) {
      const compiled = authorizer.cachedByArn(accountId, request.principal, epoch);
      if (!compiled) return undefined;
      principals.push(compiled);
    }
    return principals;
  }

  /** AWS SimulatePrincipalPolicy: every action × resource for a principal, optionally with extra policies. */
  async simulatePrincipalPolicy(
    caller: Caller,
    input: {
      policySourceArn: string;
      actionNames: readonly string[];
      resourceArns?: readonly string[] | null;
      contextEntries?: Readonly<Record<string, string | readonly string[]>> | null;
      policyInputList?: readonly string[] | null;
    },
  ): Promise<SimulationResult[]> {
    const targetAccount = await this.askAbout(caller, [input.policySourceArn]);
    const extra = (input.policyInputList ?? []).map((document, index) => ({ name: `policyInputList[${index}]`, document }));
    return inAccountTransaction(this.core.db, targetAccount, async (trx) => {
      const policies = await loadPrincipalPolicies(trx, this.targetOwner(targetAccount, input.policySourceArn));
      const principal = policies.principal;
      if (!principal) throw new NoSuchEntityError(`No user or role with ARN ${input.policySourceArn} exists in account ${targetAccount}.`);
      // The stored policies as every check compiles them, then the caller's, checked as a client's text.
      const stored = this.core.authorizer.policySet(targetAccount, policies, []);
      const given = compilePolicySet({ identityPolicies: extra });
      if (!given.ok) throw malformed(given.errors);
      const offset = stored.identityPolicies.length;
      const renumbered = given.policySet.identityPolicies.map((policy) => ({
        ...policy,
        statements: policy.statements.map((statement) => ({ ...statement, matched: { ...statement.matched, policyIndex: statement.matched.policyIndex + offset } })),
      }));
      const policySet = new PolicySet([...stored.identityPolicies, ...renumbered], stored.permissionBoundary, []);
      const context = simulationRequestContext(principalContext(principal), input.contextEntries);
      return simulate(policySet, principal.arn, input.actionNames, input.resourceArns ?? ['*'], context, this.core.clock.now());
    });
  }

  /** AWS SimulateCustomPolicy: policies given in the call, no principal's stored policies. */
  async simulateCustomPolicy(
    caller: Caller,
    input: {
      policyInputList: readonly string[];
      permissionsBoundaryPolicyInputList?: readonly string[] | null;
      actionNames: readonly string[];
      resourceArns?: readonly string[] | null;
      resourcePolicy?: string | null;
      callerArn?: string | null;
      contextEntries?: Readonly<Record<string, string | readonly string[]>> | null;
    },
  ): Promise<SimulationResult[]> {
    await this.core.read(caller, (trx) => this.core.authorize(trx, caller, 'iam:SimulateCustomPolicy', '*'));
    const boundaries = input.permissionsBoundaryPolicyInputList ?? [];
    if (boundaries.length > 1) throw new InvalidInputError('Give at most one permissions boundary policy.');
    const compiled = compilePolicySet({
      identityPolicies: input.policyInputList.map((document, index) => ({ name: `policyInputList[${index}]`, document })),
      permissionBoundary: boundaries[0] ? { name: 'permissionsBoundaryPolicyInputList[0]', document: boundaries[0] } : null,
    });
    if (!compiled.ok) throw malformed(compiled.errors);
    let resourcePolicy: CompiledPolicy | undefined;
    if (input.resourcePolicy) {
      const result = compilePolicy({ name: 'resourcePolicy', document: input.resourcePolicy }, 'resource');
      if (!result.ok) throw malformed([result.error]);
      resourcePolicy = result.policy;
    }
    const callerArn = input.callerArn ?? caller.arn;
    return simulate(compiled.policySet, callerArn, input.actionNames, input.resourceArns ?? ['*'], { ...(input.contextEntries ?? {}) }, this.core.clock.now(), resourcePolicy);
  }
}

/**
 * The one account whose principals `principalArns` are: each must be the ARN of an IAM user or role
 * (else InvalidInput, naming it), and all of one account. Every question about principals, live or
 * as of an instant, takes its target account from here (`askAbout`).
 */
export function accountOfPrincipals(principalArns: readonly string[]): string {
  const accounts = new Set<string>();
  // A batch usually names few principals: each is parsed once.
  for (const arn of new Set(principalArns)) {
    const parsed = parsePrincipalArn(arn);
    if (parsed?.kind !== 'user' && parsed?.kind !== 'role') throw new InvalidInputError(`${JSON.stringify(arn)} is not the ARN of an IAM user or role.`);
    accounts.add(parsed.account);
  }
  if (accounts.size > 1) throw new InvalidInputError('A batch may only ask about principals of one account.');
  return [...accounts][0]!;
}

/** One `authorize` decision about a compiled principal at `now`: live, cached or folded from history alike. */
export function answer(compiled: CompiledPrincipal, request: AuthorizeRequest, now: Date): AuthorizeAnswer {
  const principal = compiled.principal.arn;
  const context = authorizeRequestContext(compiled, request.context, now);
  const result = evaluate(compiled.policySet, {
    principal,
    action: request.action,
    resource: request.resource,
    context,
    ...(request.resourceAccount ? { resourceAccount: request.resourceAccount } : {}),
  });
  if (result.reason.kind === 'invalid_request') throw new InvalidInputError(result.reason.message);
  let reason: string | undefined;
  return {
    decision: result.decision,
    matched: result.matched,
    // The sentence is built only if someone asks for it (a batch often wants decisions only).
    get reason() {
      reason ??= describeDecision({ principal, action: request.action, resource: request.resource }, result);
      return reason;
    },
  };
}

export interface SimulationResult {
  readonly evalActionName: string;
  readonly evalResourceName: string;
  readonly evalDecision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  readonly matchedStatements: readonly MatchedStatement[];
  readonly reason: string;
}

export const MAX_SIMULATIONS = 1000;

const DECISION_NAMES = { allow: 'allowed', explicit_deny: 'explicitDeny', implicit_deny: 'implicitDeny' } as const;

export function simulate(
  policySet: Parameters<typeof evaluate>[0],
  principal: string,
  actions: readonly string[],
  resources: readonly string[],
  context: Record<string, string | readonly string[]>,
  now: Date,
  resourcePolicy?: CompiledPolicy,
): SimulationResult[] {
  if (actions.length === 0) throw new InvalidInputError('actionNames must name at least one action.');
  // Bounded like AWS's own page size, so that one call cannot ask for unbounded work.
  if (actions.length * resources.length > MAX_SIMULATIONS) {
    throw new InvalidInputError(`A simulation may evaluate at most ${MAX_SIMULATIONS} action × resource pairs; this one asks for ${actions.length * resources.length}.`);
  }
  const results: SimulationResult[] = [];
  for (const action of actions) {
    for (const resource of resources) {
      const result = evaluate(policySet, { principal, action, resource, context }, { now, ...(resourcePolicy ? { resourcePolicy } : {}) });
      if (result.reason.kind === 'invalid_request') throw new InvalidInputError(result.reason.message);
      results.push({
        evalActionName: action,
        evalResourceName: resource,
        evalDecision: DECISION_NAMES[result.decision],
        matchedStatements: result.matched,
        reason: describeDecision({ principal, action, resource }, result),
      });
    }
  }
  return results;
}

export function malformed(
  errors: readonly { findings: readonly { severity: string; code: string; path: string; message: string }[]; policyName?: string; policyArn?: string }[],
): MalformedPolicyDocumentError {
  const first = errors[0]!;
  const finding = first.findings[0]!;
  return new MalformedPolicyDocumentError(
    `${first.policyArn ?? first.policyName ?? 'A policy'} is invalid: ${finding.message} At ${finding.path}.`,
    errors.flatMap((error) => error.findings),
  );
}
