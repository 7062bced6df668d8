import type { AuthorizeAnswer, AuthorizeRequest, SimulationResult } from '@warden/iam';
import { InvalidInputError } from '@warden/iam';
import type { MatchedStatement } from '@warden/policy';
import { builder } from '../builder.js';
import { POINT_IN_TIME_QUERY_ERRORS } from './errors.js';
import { queryErrors } from './result-names.js';

/**
 * `authorize`: may this principal do this action on this resource, now? The answer names the
 * decision, the statements that decided it and AWS's sentence for it. Also AWS's two simulators.
 */
export const Decision = builder.enumType('Decision', { values: ['allow', 'explicit_deny', 'implicit_deny'] as const });

const MatchedStatementRef = builder.objectRef<MatchedStatement>('MatchedStatement').implement({
  fields: (t) => ({
    source: t.exposeString('source', { description: 'identity, resource, boundary or session.' }),
    policyName: t.string({
      nullable: true,
      description: "The policy's name: a managed or inline policy's own name; for a policy given in the request, the input it came from (policyInputList[0], session-policy, resourcePolicy).",
      resolve: (statement) => statement.policyName ?? null,
    }),
    policyArn: t.string({
      nullable: true,
      description: "A managed policy's ARN (customer or AWS managed, attached, a permissions boundary or a managed session policy); null for any other policy.",
      resolve: (statement) => statement.policyArn ?? null,
    }),
    policyIndex: t.exposeInt('policyIndex'),
    statementIndex: t.exposeInt('statementIndex'),
    sid: t.string({ nullable: true, resolve: (statement) => statement.sid ?? null }),
    effect: t.exposeString('effect'),
  }),
});

const AuthorizationDecisionRef = builder.objectRef<AuthorizeAnswer>('AuthorizationDecision').implement({
  fields: (t) => ({
    decision: t.field({ type: Decision, resolve: (answer) => answer.decision }),
    allowed: t.boolean({ resolve: (answer) => answer.decision === 'allow' }),
    matchedStatements: t.field({ type: [MatchedStatementRef], resolve: (answer) => [...answer.matched] }),
    reason: t.exposeString('reason'),
  }),
});

export type ContextInput = Record<string, string | string[]>;

/** The request context: an object of condition keys to a string or a list of strings. */
export function readContext(value: unknown): ContextInput {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError('context must be an object of condition keys to a string or a list of strings.');
  for (const [key, item] of Object.entries(value)) {
    const ok = typeof item === 'string' || (Array.isArray(item) && item.every((entry) => typeof entry === 'string'));
    if (!ok) throw new InvalidInputError(`context key ${JSON.stringify(key)} must be a string or a list of strings.`);
  }
  return value as ContextInput;
}

const AuthorizeInput = builder.inputType('AuthorizeInput', {
  fields: (t) => ({
    principal: t.string({ required: true, description: 'ARN of a user or role.' }),
    action: t.string({ required: true }),
    resource: t.string({ required: true }),
    context: t.field({ type: 'JSON', required: false }),
    resourceAccount: t.string({ required: false }),
    at: t.field({
      type: 'DateTime',
      required: false,
      description:
        "Answer as of this past instant: the principal's policies, groups, boundary and tags then, folded from the account's events. Absent: now. The caller's own permission to ask is decided now.",
    }),
  }),
});

const toRequest = (input: { principal: string; action: string; resource: string; context?: unknown; resourceAccount?: string | null }): AuthorizeRequest => ({
  principal: input.principal,
  action: input.action,
  resource: input.resource,
  context: readContext(input.context),
  resourceAccount: input.resourceAccount ?? null,
});

builder.queryField('authorize', (t) =>
  t.field({
    type: AuthorizationDecisionRef,
    errors: queryErrors('authorize', POINT_IN_TIME_QUERY_ERRORS),
    args: { input: t.arg({ type: AuthorizeInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => {
      if (!input.at) return iam.authorization.authorize(caller, toRequest(input));
      const [answer] = await iam.pointInTime.authorizeAt(caller, [{ ...toRequest(input), at: input.at }]);
      return answer!;
    },
  }),
);

export const MAX_BATCH = 1000;

builder.queryField('authorizeBatch', (t) =>
  t.field({
    type: [AuthorizationDecisionRef],
    description: `Many decisions in one call (at most ${MAX_BATCH}), in input order, for principals of one account.`,
    errors: queryErrors('authorizeBatch', POINT_IN_TIME_QUERY_ERRORS),
    args: { input: t.arg({ type: builder.inputType('AuthorizeBatchInput', { fields: (f) => ({ requests: f.field({ type: [AuthorizeInput], required: true }) }) }), required: true }) },
    resolve: (_r, { input }, { iam, caller }) => {
      if (input.requests.length > MAX_BATCH) throw new InvalidInputError(`A batch holds at most ${MAX_BATCH} requests.`);
      if (input.requests.every((request) => !request.at)) return iam.authorization.authorizeMany(caller, input.requests.map(toRequest));
      // Those without `at` are answered now by the live path, not by folding the history up to now.
      return iam.pointInTime.authorizeEach(
        caller,
        input.requests.map((request) => ({ ...toRequest(request), at: request.at ?? null })),
      );
    },
  }),
);

const SimulationResultRef = builder.objectRef<SimulationResult>('EvaluationResult').implement({
  fields: (t) => ({
    evalActionName: t.exposeString('evalActionName'),
    evalResourceName: t.exposeString('evalResourceName'),
    evalDecision: t.exposeString('evalDecision', { description: 'allowed, explicitDeny or implicitDeny, as AWS names them.' }),
    matchedStatements: t.field({ type: [MatchedStatementRef], resolve: (result) => [...result.matchedStatements] }),
    reason: t.exposeString('reason'),
  }),
});

builder.queryField('simulatePrincipalPolicy', (t) =>
  t.field({
    type: [SimulationResultRef],
    errors: queryErrors('simulatePrincipalPolicy', POINT_IN_TIME_QUERY_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('SimulatePrincipalPolicyInput', {
          fields: (f) => ({
            policySourceArn: f.string({ required: true }),
            actionNames: f.stringList({ required: true }),
            resourceArns: f.stringList({ required: false }),
            contextEntries: f.field({ type: 'JSON', required: false }),
            policyInputList: f.stringList({ required: false }),
            at: f.field({ type: 'DateTime', required: false, description: "Simulate the principal's policies as they were at this past instant (absent: now)." }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => {
      const { at, ...rest } = input;
      const simulation = { ...rest, contextEntries: readContext(input.contextEntries) };
      return at ? iam.pointInTime.simulatePrincipalPolicyAt(caller, { ...simulation, at }) : iam.authorization.simulatePrincipalPolicy(caller, simulation);
    },
  }),
);

builder.queryField('simulateCustomPolicy', (t) =>
  t.field({
    type: [SimulationResultRef],
    errors: queryErrors('simulateCustomPolicy'),
    args: {
      input: t.arg({
        type: builder.inputType('SimulateCustomPolicyInput', {
          fields: (f) => ({
            policyInputList: f.stringList({ required: true }),
            permissionsBoundaryPolicyInputList: f.stringList({ required: false }),
            actionNames: f.stringList({ required: true }),
            resourceArns: f.stringList({ required: false }),
            resourcePolicy: f.string({ required: false }),
            callerArn: f.string({ required: false }),
            contextEntries: f.field({ type: 'JSON', required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.authorization.simulateCustomPolicy(caller, { ...input, contextEntries: readContext(input.contextEntries) }),
  }),
);
