import type { AuditEvent, AuditEntry } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { LIVE_AUDIT_ERRORS } from './errors.js';
import { queryErrors } from './result-names.js';

/** An entry of the audit log: one event, with who made it, from where, when. */
export const AuditEventRef = builder.objectRef<AuditEvent>('AuditEvent').implement({
  fields: (t) => ({
    position: t.exposeString('position'),
    type: t.exposeString('type'),
    streamId: t.exposeString('streamId'),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    actorArn: t.string({ nullable: true, resolve: (event) => event.actorArn }),
    accessKeyId: t.string({ nullable: true, resolve: (event) => event.accessKeyId }),
    requestId: t.string({ nullable: true, resolve: (event) => event.requestId }),
    sourceIp: t.string({ nullable: true, resolve: (event) => event.sourceIp }),
    userAgent: t.string({ nullable: true, resolve: (event) => event.userAgent }),
    resourceArn: t.string({ nullable: true, resolve: (event) => event.resourceArn }),
    data: t.field({ type: 'JSON', resolve: (event) => event.data }),
  }),
});

const AuditFilterInput = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    actor: t.string({ required: false, description: "Who acted, by ARN; a role's ARN also finds what its assumed-role sessions did." }),
    eventTypes: t.stringList({ required: false }),
    resourceArn: t.string({
      required: false,
      description: "What was acted on, by ARN; a role's ARN also finds its assumed-role sessions (SessionIssued names who assumed it) and their later events.",
    }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description: "The caller's account's events, newest first.",
    errors: queryErrors('auditEvents'),
    args: { filter: t.arg({ type: AuditFilterInput, required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const events = await iam.audit.events(caller, args.filter ?? {}, { first: first + 1, before: args.after ?? null });
      return toConnection(events, first, (event) => event.position);
    },
  }),
);

/** An entry of the live tail: the event, and the cursor to resume after it. */
const LiveAuditEntryRef = builder.objectRef<AuditEntry>('LiveAuditEntry').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Give it as `resumeAfter` to resume the tail after this entry, with nothing lost.' }),
    event: t.field({ type: AuditEventRef, resolve: (entry) => entry.event }),
  }),
});

/** A stream that nothing aborts: the compiled path never runs subscriptions, yoga always gives its request. */
const NEVER = new AbortController().signal;

builder.subscriptionField('auditEventsLive', (t) =>
  t.field({
    type: LiveAuditEntryRef,
    description:
      "The caller's account's events as they are written (over SSE: `Accept: text/event-stream`), in commit order, through the same filter as `auditEvents`. Resume after a disconnect by giving the last entry's `cursor` as `resumeAfter`: every later event comes once. Needs `warden:GetAuditEvents`, checked again on every read; the stream ends with an error when the permission or the credentials are gone.",
    errors: { types: LIVE_AUDIT_ERRORS, result: { name: 'AuditEventsLiveSuccess' }, union: { name: 'AuditEventsLiveResult' } },
    args: {
      filter: t.arg({ type: AuditFilterInput, required: false }),
      resumeAfter: t.arg.string({ required: false, description: 'The cursor of the last entry received; absent: from now on.' }),
    },
    subscribe: (_root, args, { iam, caller, request }) => iam.liveAudit.follow(caller, args.filter ?? {}, args.resumeAfter ?? null, request?.signal ?? NEVER),
    resolve: (entry) => entry,
  }),
);
