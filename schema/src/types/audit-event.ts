import type { ApiCallRecord, AuditEntry, AuditEvent, AuditLogEntry } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { LIVE_AUDIT_ERRORS } from './errors.js';
import { queryErrors } from './result-names.js';

const AuditEntryKindRef = builder.enumType('AuditEntryKind', {
  values: {
    EVENT: { description: 'A change that happened: an event of the event log.' },
    CALL: { description: 'A call recorded without a change: denied, failed, or a read the account records.' },
  } as const,
});

const AuditOutcomeRef = builder.enumType('AuditOutcome', {
  values: {
    SUCCESS: { description: 'The call did what it asked; every event is one.' },
    DENIED: { description: 'Authorization refused the call.' },
    FAILED: { description: 'The call was allowed and failed (bad input, a missing entity, a conflict…).' },
  } as const,
});

const eventOnly = <T>(entry: AuditLogEntry, read: (event: AuditEvent) => T): T | null => (entry.kind === 'EVENT' ? read(entry) : null);
const callOnly = <T>(entry: AuditLogEntry, read: (call: ApiCallRecord) => T): T | null => (entry.kind === 'CALL' ? read(entry) : null);

/**
 * An entry of the audit log: an event (a change, with who made it, from where, when) or a call
 * record (a call denied or failed, or a read the account records). The fields they share mean the
 * same on both; the others are null on the kind that has none.
 */
export const AuditEventRef = builder.objectRef<AuditLogEntry>('AuditEvent').implement({
  fields: (t) => ({
    kind: t.field({ type: AuditEntryKindRef, resolve: (entry) => entry.kind }),
    position: t.string({
      nullable: true,
      description: "An event's global position in the event log (newer events have greater ones); null for a call record.",
      resolve: (entry) => eventOnly(entry, (event) => event.position),
    }),
    type: t.string({ description: "An event's type (`UserCreated`); a call record's operation (`iam:CreateUser`).", resolve: (entry) => (entry.kind === 'EVENT' ? entry.type : entry.operation) }),
    streamId: t.string({ nullable: true, description: "The event's stream (`user/AIDA…`); null for a call record.", resolve: (entry) => eventOnly(entry, (event) => event.streamId) }),
    occurredAt: t.field({ type: 'DateTime', resolve: (entry) => entry.occurredAt }),
    actorArn: t.string({ nullable: true, description: 'Who acted: the caller, a user or an assumed-role session.', resolve: (entry) => (entry.kind === 'EVENT' ? entry.actorArn : entry.callerArn) }),
    principalArn: t.string({
      nullable: true,
      description: "A call record's principal: the session's role (or user), else the caller; null for an event.",
      resolve: (entry) => callOnly(entry, (call) => call.principalArn),
    }),
    accessKeyId: t.string({ nullable: true, resolve: (entry) => entry.accessKeyId }),
    sessionId: t.string({ nullable: true, resolve: (entry) => entry.sessionId }),
    sourceIdentity: t.string({ nullable: true, resolve: (entry) => callOnly(entry, (call) => call.sourceIdentity) }),
    requestId: t.string({ nullable: true, resolve: (entry) => entry.requestId }),
    sourceIp: t.string({ nullable: true, resolve: (entry) => entry.sourceIp }),
    userAgent: t.string({ nullable: true, resolve: (entry) => entry.userAgent }),
    resourceArn: t.string({
      nullable: true,
      description: "The resource acted on: an event's; a call record's first.",
      resolve: (entry) => (entry.kind === 'EVENT' ? entry.resourceArn : (entry.resourceArns[0] ?? null)),
    }),
    resourceArns: t.stringList({
      description: 'Every resource the entry names.',
      resolve: (entry) => (entry.kind === 'EVENT' ? (entry.resourceArn === null ? [] : [entry.resourceArn]) : [...entry.resourceArns]),
    }),
    operation: t.string({ nullable: true, description: "A call record's operation (`iam:CreateUser`); null for an event.", resolve: (entry) => callOnly(entry, (call) => call.operation) }),
    outcome: t.field({ type: AuditOutcomeRef, resolve: (entry) => (entry.kind === 'EVENT' ? 'SUCCESS' : entry.outcome) }),
    readOnly: t.boolean({ description: 'Whether the call only read (an event is always a change).', resolve: (entry) => entry.kind === 'CALL' && entry.readOnly }),
    errorCode: t.string({ nullable: true, resolve: (entry) => callOnly(entry, (call) => call.errorCode) }),
    errorMessage: t.string({ nullable: true, resolve: (entry) => callOnly(entry, (call) => call.errorMessage) }),
    decision: t.field({ type: 'JSON', nullable: true, description: 'For a denial: why (never the policy text).', resolve: (entry) => callOnly(entry, (call) => call.decision) }),
    data: t.field({ type: 'JSON', nullable: true, description: "The event's data, its secrets redacted; null for a call record.", resolve: (entry) => eventOnly(entry, (event) => event.data) }),
  }),
});

const AuditFilterInput = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    principal: t.string({
      required: false,
      description: "Who acted, by ARN: an event's actor, a record's caller or principal; a role's ARN also finds what its assumed-role sessions did.",
    }),
    actor: t.string({ required: false, description: 'The same as `principal`.' }),
    eventTypes: t.stringList({
      required: false,
      description: 'Event types or operations: an event by its type (`UserCreated`), a record by its operation (`iam:CreateUser`); one list with `operations`.',
    }),
    operations: t.stringList({ required: false, description: 'The same as `eventTypes` (the two are one list).' }),
    outcomes: t.field({ type: [AuditOutcomeRef], required: false, description: 'How the call ended; every event is a SUCCESS.' }),
    errorCodes: t.stringList({ required: false, description: "The error's code (`AccessDenied`, `NoSuchEntity`); only call records have one." }),
    sourceIp: t.string({ required: false, description: 'Where the call came from: a CIDR block (`203.0.113.0/24`) or one address.' }),
    resourceArn: t.string({
      required: false,
      description: "What was acted on, by ARN; on events a role's ARN also finds its assumed-role sessions (SessionIssued names who assumed it) and their later events.",
    }),
    from: t.field({ type: 'DateTime', required: false, description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description:
      "The caller's account's audit log, newest first: its events and its call records (denied and failed calls, reads when recorded), by time, then an event before a call of the same instant, then by id. The cursors are opaque and stay valid while entries are written.",
    errors: queryErrors('auditEvents'),
    args: { filter: t.arg({ type: AuditFilterInput, required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const entries = await iam.audit.log(caller, args.filter ?? {}, { first: first + 1, after: args.after ?? null });
      const connection = toConnection(entries, first, (entry) => entry.cursor);
      return { ...connection, edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: node.entry })) };
    },
  }),
);

/** An entry of the live tail: the event or call record, and the cursor to resume after it. */
const LiveAuditEntryRef = builder.objectRef<AuditEntry>('LiveAuditEntry').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Opaque. Give it as `resumeAfter` to resume the tail after this entry, with nothing lost and nothing twice.' }),
    event: t.field({ type: AuditEventRef, resolve: (entry) => entry.event }),
  }),
});

/** A stream that nothing aborts: the compiled path never runs subscriptions, yoga always gives its request. */
const NEVER = new AbortController().signal;

builder.subscriptionField('auditEventsLive', (t) =>
  t.field({
    type: LiveAuditEntryRef,
    description:
      "The caller's account's audit log as it is written (over SSE: `Accept: text/event-stream`): its events and its call records (denied and failed calls, reads when recorded), in commit order, through the same filter as `auditEvents`. Resume after a disconnect by giving the last entry's `cursor` as `resumeAfter`: every later entry comes once. Needs `warden:GetAuditEvents`, checked again on every read; the stream ends with an error when the permission or the credentials are gone.",
    errors: { types: LIVE_AUDIT_ERRORS, result: { name: 'AuditEventsLiveSuccess' }, union: { name: 'AuditEventsLiveResult' } },
    args: {
      filter: t.arg({ type: AuditFilterInput, required: false }),
      resumeAfter: t.arg.string({ required: false, description: 'The cursor of the last entry received; absent: from now on.' }),
    },
    subscribe: (_root, args, { iam, caller, request }) => iam.liveAudit.follow(caller, args.filter ?? {}, args.resumeAfter ?? null, request?.signal ?? NEVER),
    resolve: (entry) => entry,
  }),
);
