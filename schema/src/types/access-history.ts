import type { AccessHistory, AllowedInterval, DecisionChange } from '@warden/iam';
import { builder } from '../builder.js';
import { Decision, readContext } from './authorization.js';
import { POINT_IN_TIME_QUERY_ERRORS } from './errors.js';
import { queryErrors } from './result-names.js';

/**
 * `accessHistory`: over a past period, when `authorize` would have allowed a principal an action on
 * a resource, and which events changed its answer, folded from the account's events.
 */
const AllowedIntervalRef = builder.objectRef<AllowedInterval>('AllowedInterval').implement({
  description: 'A stretch of the period during which the answer was allow.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (interval) => interval.from }),
    to: t.field({ type: 'DateTime', resolve: (interval) => interval.to }),
  }),
});

const DecisionChangeRef = builder.objectRef<DecisionChange>('DecisionChange').implement({
  description: 'An event after which the answer differed from the answer before it.',
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: "The event's global position in the log (auditEvents names events by it too)." }),
    type: t.exposeString('type'),
    streamId: t.exposeString('streamId'),
    occurredAt: t.field({ type: 'DateTime', resolve: (change) => change.occurredAt }),
    decision: t.field({ type: Decision, nullable: true, description: 'The answer from this event on; null while no user or role had the ARN.', resolve: (change) => change.decision }),
  }),
});

const AccessHistoryRef = builder.objectRef<AccessHistory>('AccessHistory').implement({
  fields: (t) => ({
    decisionAtFrom: t.field({ type: Decision, nullable: true, description: 'The answer at `from`; null when no user or role had the ARN then.', resolve: (history) => history.decisionAtFrom }),
    allowed: t.field({ type: [AllowedIntervalRef], resolve: (history) => [...history.allowed] }),
    changes: t.field({ type: [DecisionChangeRef], resolve: (history) => [...history.changes] }),
  }),
});

builder.queryField('accessHistory', (t) =>
  t.field({
    type: AccessHistoryRef,
    description: 'When, within [from, to], the principal was allowed the action on the resource, and the events that changed it. Needs iam:SimulatePrincipalPolicy on the principal, now.',
    errors: queryErrors('accessHistory', POINT_IN_TIME_QUERY_ERRORS),
    args: {
      input: t.arg({
        type: builder.inputType('AccessHistoryInput', {
          fields: (f) => ({
            principal: f.string({ required: true, description: 'ARN of a user or role.' }),
            action: f.string({ required: true }),
            resource: f.string({ required: true }),
            context: f.field({ type: 'JSON', required: false }),
            from: f.field({ type: 'DateTime', required: true }),
            to: f.field({ type: 'DateTime', required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) =>
      iam.pointInTime.accessHistory(caller, { principal: input.principal, action: input.action, resource: input.resource, context: readContext(input.context), from: input.from, to: input.to }),
  }),
);
